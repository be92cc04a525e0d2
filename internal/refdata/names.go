package refdata

import "strings"

// Names for people: the data files carry Chinese names only; the English
// ones are here, and ValueName turns a document's stored keys and codes
// (enterprise, business_license, corporate_portal, zh-Hans, cloud,
// 330000, long_term) into the words a reader sees.

// Name is a reference item's name in lang: in English the translation
// when there is one, else the Chinese name zh.
func Name(lang, key, zh string) string {
	if lang == "en" {
		if en, ok := english[key]; ok {
			return en
		}
	}
	return zh
}

// ValueName shows the stored value of a document field (its leaf name:
// province, city, county, server_location, nature, cert_type,
// content_types, languages, category, method, cert_valid_until) in lang;
// values of other fields, and unknown keys, are shown as they are.
func (d *Data) ValueName(lang, field, value string) string {
	switch field {
	case "province", "server_location":
		if p, ok := d.Province(value); ok {
			if lang == "en" && p.NameEN != "" {
				return p.NameEN
			}
			return p.Name
		}
	case "city", "county":
		if dv, ok := d.Division(value); ok {
			return dv.Name
		}
	case "nature", "cert_type", "content_types", "languages", "category", "method":
		if zh, ok := d.keyedName(field, value); ok {
			return Name(lang, value, zh)
		}
	case "cert_valid_until":
		if value == "long_term" {
			return map[bool]string{true: "No end date", false: "长期"}[lang == "en"]
		}
	}
	return value
}

// keyedName is the Chinese name of a keyed reference item of field.
func (d *Data) keyedName(field, key string) (string, bool) {
	zh, ok := d.zh[field][key]
	return zh, ok
}

// ValueNames shows a list of stored values, joined as the language writes lists.
func (d *Data) ValueNames(lang, field string, values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = d.ValueName(lang, field, v)
	}
	if lang == "en" {
		return strings.Join(out, ", ")
	}
	return strings.Join(out, "、")
}

// english gives English names for the small reference tables, whose data
// files carry only Chinese. A key without an entry falls back to Chinese.
var english = map[string]string{
	// natures
	"defense": "Defence body", "government": "Government agency", "institution": "Public institution",
	"enterprise": "Enterprise", "individual": "Individual", "social_group": "Social organization",
	"private_non_enterprise": "Private non-enterprise unit",
	// certificate types
	"business_license": "Business licence", "foreign_enterprise_rep_certificate": "Foreign enterprise representative office certificate",
	"org_code_certificate": "Organization code certificate", "uscc_certificate": "Unified social credit code certificate",
	"institution_certificate": "Public institution certificate", "military_code": "Military unit code",
	"military_service_license": "Military paid-service licence", "social_group_certificate": "Social organization certificate",
	"private_non_enterprise_certificate": "Private non-enterprise certificate", "social_service_certificate": "Social service organization certificate",
	"private_school_license": "Private school licence", "foundation_certificate": "Foundation certificate",
	"law_firm_license": "Law firm licence", "foreign_cultural_center_certificate": "Foreign cultural centre certificate",
	"judicial_appraisal_license": "Judicial appraisal licence", "religious_venue_certificate": "Religious venue certificate",
	"overseas_org_certificate": "Overseas organization certificate", "medical_institution_license": "Medical institution licence",
	"notary_license": "Notary licence", "collective_economy_certificate": "Rural collective economy certificate",
	"arbitration_certificate": "Arbitration commission certificate", "resident_id": "Resident ID card", "passport": "Passport",
	"taiwan_travel_permit": "Taiwan travel permit", "hk_macao_travel_permit": "Hong Kong/Macao travel permit",
	"foreign_permanent_residence": "Foreign permanent residence ID", "hk_macao_residence_permit": "Hong Kong/Macao residence permit",
	"taiwan_residence_permit": "Taiwan residence permit",
	// content types
	"instant_messaging": "Instant messaging", "search_engine": "Search engine", "portal": "Portal", "email": "Email",
	"news": "News", "blog": "Blog", "advertising": "Advertising", "corporate_portal": "Organization website",
	"shopping": "Online shopping", "payment": "Online payment", "online_banking": "Online banking", "securities": "Securities",
	"games": "Online games", "music": "Music", "video": "Video", "images": "Images", "software_download": "Software downloads",
	"jobs": "Jobs", "dating": "Dating", "real_estate": "Real estate", "education": "Education", "web_building": "Web building",
	"wap": "WAP", "other": "Other",
	// languages
	"zh-Hans": "Simplified Chinese", "zh-Hant": "Traditional Chinese", "ug": "Uyghur", "kk": "Kazakh", "ky": "Kyrgyz",
	"mn": "Mongolian", "bo": "Tibetan", "za": "Zhuang", "ko": "Korean", "ii": "Yi", "hmn": "Miao", "en": "English",
	"ja": "Japanese", "fr": "French", "ru": "Russian", "es": "Spanish", "ar": "Arabic",
	// pre-approval categories (news, education, other share keys above)
	"publishing": "Publishing", "medical": "Medical", "drugs_devices": "Drugs and medical devices",
	"bbs": "Bulletin boards", "culture": "Culture", "broadcasting": "Radio, film and TV", "ride_hailing": "Ride hailing",
	"internet_finance": "Internet finance", "tutoring": "Off-campus tutoring", "religion": "Religion",
	// access methods
	"dedicated_line": "Dedicated line", "colocation": "Colocation", "virtual_host": "Virtual hosting", "cloud": "Cloud",
}

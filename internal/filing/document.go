// Package filing holds the filing document of spec/model.md: the JSON an
// application carries, what the validator checks and what the forms edit.
// It is plain data with its size bounds: no rules, no storage, no HTTP.
package filing

// Flows (spec/workflow.md "Filing types").
const (
	FlowFirstFiling   = "first_filing"
	FlowNewWebsite    = "new_website"
	FlowNewAccess     = "new_access"
	FlowChangeSubject = "change_subject"
	FlowChangeWebsite = "change_website"
	FlowChangeAccess  = "change_access"
	FlowCancelSubject = "cancel_subject"
	FlowCancelWebsite = "cancel_website"
	FlowCancelAccess  = "cancel_access"
)

// Flows lists every flow in the order the spec gives them.
var Flows = []string{
	FlowFirstFiling, FlowNewWebsite, FlowNewAccess,
	FlowChangeSubject, FlowChangeWebsite, FlowChangeAccess,
	FlowCancelSubject, FlowCancelWebsite, FlowCancelAccess,
}

// LongTerm is the cert_valid_until value of a certificate without end date.
const LongTerm = "long_term"

// Document is one application's filing document.
type Document struct {
	Flow     string    `json:"flow"`
	AsOf     string    `json:"as_of,omitempty"`
	Subject  Subject   `json:"subject"`
	Websites []Website `json:"websites"`
}

// Subject is the organization or person that runs the websites (主办单位).
type Subject struct {
	Province       string `json:"province"`
	City           string `json:"city"`
	County         string `json:"county"`
	Nature         string `json:"nature"`
	CertType       string `json:"cert_type"`
	CertNumber     string `json:"cert_number"`
	Name           string `json:"name"`
	CertAddress    string `json:"cert_address"`
	MailingAddress string `json:"mailing_address"`
	Investor       string `json:"investor"`
	Leader         Person `json:"leader"`
	EmergencyPhone string `json:"emergency_phone"`
	Remark         string `json:"remark"`
}

// Person is a subject leader or a website leader (负责人).
type Person struct {
	Name           string `json:"name"`
	CertType       string `json:"cert_type"`
	CertNumber     string `json:"cert_number"`
	CertValidFrom  string `json:"cert_valid_from"`
	CertValidUntil string `json:"cert_valid_until"`
	OfficePhone    string `json:"office_phone"`
	Mobile         string `json:"mobile"`
	Email          string `json:"email"`
}

// SamePerson reports whether two persons are the same person: equal
// certificate type and number (model.md).
func SamePerson(a, b Person) bool {
	return a.CertType == b.CertType && a.CertNumber != "" && a.CertNumber == b.CertNumber
}

// Website is one website of the subject (网站).
type Website struct {
	Name         string        `json:"name"`
	Domain       string        `json:"domain"`
	HomepageURL  string        `json:"homepage_url"`
	ContentTypes []string      `json:"content_types"`
	Languages    []string      `json:"languages"`
	PreApprovals []PreApproval `json:"pre_approvals"`
	Leader       Person        `json:"leader"`
	Access       Access        `json:"access"`
	Remark       string        `json:"remark"`
	// DomainHolder declares who holds the domain when the registry names
	// neither the subject nor its leader (absent otherwise).
	DomainHolder DomainHolder `json:"domain_holder,omitzero"`
}

// Relations an organization's domain holder may have to it (the seed, 2.3
// (5): 单位性质备案域名注册者应为单位（含公司股东）、单位主要负责人或高级管理人员).
const (
	RelationShareholder   = "shareholder"    // 股东
	RelationMainLeader    = "main_leader"    // 单位主要负责人
	RelationSeniorManager = "senior_manager" // 高级管理人员
)

// HolderRelations lists the relations in the order the form offers them.
var HolderRelations = []string{RelationShareholder, RelationMainLeader, RelationSeniorManager}

// DomainHolder is the applicant's declaration that the domain's registered
// holder is the organization's shareholder, main leader or a senior
// manager: the holder's Name as the registry records it and the Relation.
// It needs a supporting document (the attachment domain_holder_proof) and
// a reviewer's confirmation.
type DomainHolder struct {
	Relation string `json:"relation"`
	Name     string `json:"name"`
}

// Declared reports whether anything was declared.
func (h DomainHolder) Declared() bool { return h.Relation != "" || h.Name != "" }

// PreApproval is a 前置审批 a regulated website holds.
type PreApproval struct {
	Category string `json:"category"`
	Number   string `json:"number"`
}

// Access is this provider's hosting of a website (接入信息).
type Access struct {
	Method         string   `json:"method"`
	IPs            []string `json:"ips"`
	ServerLocation string   `json:"server_location"`
}

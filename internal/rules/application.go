package rules

import "beian/internal/filing"

var (
	ruleFlowInvalid = def("application.flow.invalid", sevError,
		"备案类型无效：请选择首次备案、新增网站、新增接入、变更或注销中的一种",
		"unknown filing type: choose first_filing, new_website, new_access, a change_* or a cancel_* flow")
	ruleWebsitesRequired = def("application.websites.required", sevError,
		"该备案类型至少需要填写一个网站",
		"this filing type needs at least one website")
	ruleWebsitesTooMany = def("application.websites.too_many", sevError,
		"一次申请最多包含 %d 个网站，请分多次申请",
		"one application may hold at most %d websites: split it into several applications")
)

// flowsNeedingWebsites are the flows that carry websites (model.md).
var flowsNeedingWebsites = map[string]bool{
	filing.FlowFirstFiling: true, filing.FlowNewWebsite: true, filing.FlowNewAccess: true, filing.FlowChangeWebsite: true,
}

func validFlow(f string) bool {
	for _, k := range filing.Flows {
		if k == f {
			return true
		}
	}
	return false
}

func (c *check) application() {
	d := c.doc
	if !validFlow(d.Flow) {
		c.r.add(ruleFlowInvalid, "flow")
	}
	if flowsNeedingWebsites[d.Flow] && len(d.Websites) == 0 {
		c.r.add(ruleWebsitesRequired, "websites")
	}
	if len(d.Websites) > c.v.maxWebsites {
		c.r.add(ruleWebsitesTooMany, "websites", c.v.maxWebsites)
	}
}

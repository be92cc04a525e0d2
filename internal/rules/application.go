package rules

import "beian/internal/filing"

var (
	ruleFlowInvalid      = def("application.flow.invalid", sevError)
	ruleWebsitesRequired = def("application.websites.required", sevError)
	ruleWebsitesTooMany  = def("application.websites.too_many", sevError)
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

package web

import (
	"net/http"
	"strings"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

// The applicant's actions after submission, on the progress page: choosing
// how to verify (面签 at an office, or mailing the originals) and
// confirming the bureau's SMS code.

func (wb *Web) verificationPost(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	in := service.VerificationInput{Method: r.PostFormValue("method"), Office: r.PostFormValue("office"),
		Date: strings.TrimSpace(r.PostFormValue("date")), TrackingNumber: strings.TrimSpace(r.PostFormValue("tracking_number"))}
	if _, err := wb.svc.ChooseVerification(r.Context(), a, app.ID, in); err != nil {
		e := fault.As(err)
		if e.Kind != fault.Invalid {
			return err
		}
		p, perr := wb.buildProgress(r, a, app)
		if perr != nil {
			return perr
		}
		p.VValues = map[string]string{"method": in.Method, "office": in.Office, "date": in.Date, "tracking_number": in.TrackingNumber}
		for _, v := range e.Violations {
			if strings.HasPrefix(v.Field, "attachments.") {
				p.VTop = append(p.VTop, v.Message.In(p.Lang))
				continue
			}
			p.VErrors[v.Field] = append(p.VErrors[v.Field], v.Message.In(p.Lang))
		}
		return wb.render(w, r, httpx.Status(e), "progress", p)
	}
	setFlash(w, r, "verify.saved")
	return redirect(w, r, "/applications/"+app.ID)
}

func (wb *Web) smsPost(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	in := service.SMSInput{Mobile: strings.TrimSpace(r.PostFormValue("mobile")), CertLast6: strings.TrimSpace(r.PostFormValue("cert_last6")),
		Code: strings.TrimSpace(r.PostFormValue("code"))}
	if _, err := wb.svc.ConfirmSMS(r.Context(), a, app.ID, in); err != nil {
		e := fault.As(err)
		if e.Kind != fault.Invalid {
			return err
		}
		if app, err = wb.svc.GetApplication(r.Context(), a, app.ID); err != nil {
			return err
		}
		p, perr := wb.buildProgress(r, a, app)
		if perr != nil {
			return perr
		}
		p.SMSValues = map[string]string{"mobile": in.Mobile, "cert_last6": in.CertLast6}
		if len(e.Violations) == 0 {
			p.SMSTop = append(p.SMSTop, e.Message.In(p.Lang))
		}
		for _, v := range e.Violations {
			p.SMSErrors[v.Field] = append(p.SMSErrors[v.Field], v.Message.In(p.Lang))
		}
		return wb.render(w, r, httpx.Status(e), "progress", p)
	}
	setFlash(w, r, "sms.confirmed")
	return redirect(w, r, "/applications/"+app.ID)
}

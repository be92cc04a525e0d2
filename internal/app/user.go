package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/service"
)

// userCmd is `beian user add --role reviewer|admin --email E --phone P --password W --name N`.
func userCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: beian user add --role reviewer|admin --email E --phone P --password W --name N")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "reviewer", "reviewer or admin")
	var in service.RegisterInput
	fs.StringVar(&in.Email, "email", "", "login email")
	fs.StringVar(&in.Phone, "phone", "", "mobile number")
	fs.StringVar(&in.Password, "password", "", "password (at least 10 characters, 3 classes)")
	fs.StringVar(&in.Name, "name", "", "display name")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	sys, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer sys.Close()
	a, err := sys.Service.CreateStaff(ctx, nil, in, *role)
	if err != nil {
		var he *fault.Error
		if errors.As(err, &he) {
			msg := he.Message.EN
			for _, v := range filing.Localize(he.Violations, "en") {
				msg += fmt.Sprintf("\n  %s: %s (%s)", v.Field, v.Message, v.Rule)
			}
			return fmt.Errorf("user add: %s", msg)
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s account %s (%s)\n", a.Role, a.Email, a.ID)
	return nil
}

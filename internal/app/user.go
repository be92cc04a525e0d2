package app

import (
	"context"
	"errors"
	"io"

	"beian/internal/config"
)

func userCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	return errors.New("user: not yet implemented")
}

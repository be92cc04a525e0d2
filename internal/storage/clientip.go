package storage

import "context"

type clientIPKey struct{}

// WithClientIP records the address a request came from, so every audit
// entry written while serving it says where the actor was (issue 8: who,
// what, when, from where) without each door passing it down.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP is the address WithClientIP recorded, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

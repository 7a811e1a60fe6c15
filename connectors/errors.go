package connectors

import "errors"

// ErrUnauthorized is returned by a source whose credentials were refused.
var ErrUnauthorized = errors.New("credentials refused")

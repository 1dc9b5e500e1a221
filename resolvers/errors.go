package resolvers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ErrorPresenter returns the gqlgen error presenter: a domain error keeps its
// message and becomes extensions.code (and extensions.field); an error of
// gqlgen itself (parsing, validation, argument coercion) is INVALID, its
// message clipped to 1,000 bytes (LIMIT for the parser's token limit); a
// context that ended because the request's deadline passed is the LIMIT
// error that is its cause (Limits.Timeout); anything else is logged and
// answered as INTERNAL "internal error", never with its text.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		isGQL := errors.As(err, &gqlErr)
		out := &gqlerror.Error{Path: graphql.GetPath(ctx)}
		if isGQL {
			out.Path, out.Locations = gqlErr.Path, gqlErr.Locations
			if len(out.Path) == 0 {
				out.Path = graphql.GetPath(ctx)
			}
		}
		var de *tracegraph.Error
		switch {
		case errors.As(err, &de) && de.Code != tracegraph.CodeInternal:
			out.Message = de.Error()
			out.Extensions = map[string]any{"code": string(de.Code)}
			if de.Field != "" {
				out.Extensions["field"] = de.Field
			}
		case isGQL && gqlErr.Err == nil:
			// gqlgen's own: a syntax error, a validation error, an argument
			// of the wrong type. Its message is meant for the client, but
			// may quote the document: it is clipped.
			out.Message = tracegraph.Clip(gqlErr.Message, maxMessage)
			out.Extensions = map[string]any{"code": string(tracegraph.CodeInvalid)}
			if strings.HasPrefix(gqlErr.Message, "exceeded token limit") { // the parser's limit (Limits)
				out.Extensions["code"] = string(tracegraph.CodeLimit)
			}
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			out.Message = "request canceled or timed out"
			out.Extensions = map[string]any{"code": string(tracegraph.CodeInternal)}
			if errors.As(context.Cause(ctx), &de) { // the request's deadline says why
				out.Message = de.Error()
				out.Extensions["code"] = string(de.Code)
			}
		default:
			log.ErrorContext(ctx, "graphql: internal error", "path", out.Path.String(), "err", err)
			out.Message = "internal error"
			out.Extensions = map[string]any{"code": string(tracegraph.CodeInternal)}
		}
		return out
	}
}

// maxMessage is how many bytes of a message of gqlgen's the answer keeps.
const maxMessage = 1000

// RecoverFunc returns the gqlgen panic handler: it logs the panic with its
// stack and answers INTERNAL.
func RecoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	}
}

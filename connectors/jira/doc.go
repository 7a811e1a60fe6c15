// Package jira is kpidesk's Jira Service Management connector, in three
// layers:
//
//   - [Client], the transport: an authenticated, rate-limit-aware client
//     that pages through search results, changelogs and comments and hands
//     the raw issue JSON to a callback.
//   - [Mapping], pure (no HTTP, no clock): raw issues, changelog histories
//     and comments onto connectors.Complaint with ordered events, by the
//     configured statuses, priorities, bots, agents, request participants,
//     escalation labels, statuses and priority raises, and the value maps
//     of kind, category, channel, priority and team, each read from the
//     request type, components, labels or any select, cascading select or
//     text field; and the JSM fields (SLA, CSAT, request type,
//     organization). A value it does not know is reported for the
//     data-quality page.
//   - [Source], the connectors.Source that kpidesk sync runs: it reads the
//     issues updated since its cursor, completes partial changelogs and
//     comments, finds the site's JSM fields, field names, priority order
//     and agent groups when asked, maps every issue and emits the
//     complaints in batches. It is pipelined: the next search page is read
//     while the follow-up requests of the pages before it run, and batches
//     are emitted in search order.
//
// # Deployments and authentication
//
// Jira Cloud authenticates with basic auth (account email + API token);
// Data Center and Server with a personal access token sent as a bearer
// token. [Config.Deployment] names the kind; when empty, the credential kind
// follows from whether an email is given, and the deployment (which decides
// the endpoints) is detected from GET /rest/api/2/serverInfo: its
// deploymentType ("Cloud", "Server", "DataCenter"), or, when that key is
// missing as in Atlassian's own Cloud example, the host (*.atlassian.net is
// Cloud). Secrets are passed in by the caller, which reads them from the
// environment variables named in config; they never appear in errors,
// which are redacted of them in any form a server might echo (see
// connectors.Redactor).
//
// Credentials are sent to the origin (scheme, host and port) of the base
// URL only. A redirect within that origin is followed; one to another
// origin fails with an *[OriginError] naming the target host, and the
// request is not sent there at all: go-jira's auth transports would put the
// header on every hop, so the client uses its own.
//
// # Pagination
//
// Cloud removed /rest/api/{2,3}/search, so [Client.Search] uses the enhanced
// POST /rest/api/3/search/jql there, following nextPageToken until isLast
// (there is no total). Data Center keeps POST /rest/api/2/search with
// startAt/maxResults/total. Comments, and on Cloud changelogs, are paged
// with startAt/maxResults; the offset always advances by the number of
// items returned because Jira may cap maxResults below what was asked for.
// Data Center has no changelog endpoint (it answers 404): GET issue with
// expand=changelog embeds the whole changelog there. Data Center comments
// carry no jsdPublic, so their visibility (the sd.public.comment property)
// is read with the comments, in one request per issue with
// expand=properties; only a server that ignores the expand costs a
// request per comment.
//
// # Rate limits and faults
//
// Every attempt has its own timeout ([Config.Timeout]). A 429 is retried
// after its Retry-After (seconds or an HTTP date); 5xx responses, network
// errors, timeouts and connections cut mid-body are retried with
// exponential backoff and jitter, at most [Config.MaxRetries] times. A
// network error before the host has answered any request of the client
// (a refused connection, an unknown host, a TLS certificate problem) is
// not retried but fails at once with what to check: it is far more often a
// wrong base URL than a blip. Other failures are returned as *[APIError],
// which matches connectors.ErrUnauthorized for 401 and 403 and explains
// what an admin can do (a personal access token on Cloud, a base URL with
// a wrong path, the JQL that Jira rejected). All requests are reads, so
// retrying them is safe. At most [Config.Concurrency] requests are in flight.
package jira

// Package github reads complaints kept as GitHub issues (github.com or
// GitHub Enterprise Server) into the common model (SPEC §2), through
// github.com/google/go-github/v60 for request building and error typing.
//
// What is read: per repository, the issue list (GET
// /repos/{owner}/{name}/issues?state=all&sort=updated&direction=asc&since=…,
// never the search API and its 1,000-result cap), following the Link
// header's next URL exactly as GitHub writes it (it switches to
// /repositories/{id}/issues); pull requests, which the list returns too,
// are left out. Each issue's timeline (GET …/issues/{n}/timeline) gives
// its comments (commented, with author_association and
// performed_via_github_app) and its events: labeled/unlabeled,
// assigned/unassigned, closed (with state_reason), reopened, transferred.
// The timeline carries the comments, so the repository-wide comment list
// would only add requests; an issue never touched since it was opened
// (no comment, open, updated_at = created_at) has no timeline to read.
//
// Roles: bots are accounts of type Bot, logins ending in [bot], acts
// performed_via_github_app and the configured bots; the author
// (and a deleted "ghost" account) is a customer, never their own
// responder; agents are commenters whose author_association is OWNER,
// MEMBER or COLLABORATOR (configurable), the configured agents and the
// members of agent teams, or, with responders: anyone, everyone else. A
// label, assignment, close or reopen of someone else's issue needs triage
// access, so its actor is an agent unless their comments say otherwise.
//
// Incremental sync: the cursor holds, per repository, the latest
// updated_at committed; a sync asks since = that − overlap and advances
// it only with a committed batch. When a repository's last read found
// nothing new, the cursor also keeps the entity tag of that one-page
// answer, so the next read is a conditional request whose 304 costs no
// rate limit.
//
// Politeness: at most Concurrency requests in flight; the primary limit
// (X-RateLimit-Remaining: 0) is waited out until X-RateLimit-Reset, and a
// secondary limit (403/429 with Retry-After, or GitHub's documented
// "secondary rate limit" message, waiting at least a minute without one)
// as asked; 5xx, network errors and bodies cut off are retried with
// backoff. Every wait is reported to OnWait with when it ends; a wait
// longer than MaxWait stops the sync with [ErrRateLimited], keeping what
// was committed. The credential goes only to base_url's origin, never
// across a redirect or Link to another, and never into errors.
package github

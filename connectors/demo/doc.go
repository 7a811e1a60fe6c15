// Package demo generates kpidesk's built-in demo data: a seeded,
// deterministic helpdesk export of a Chinese customer-service organization
// (客户关怀部, 账务部, 技术支持部; eight teams, 61 agents, two bots) over 18
// months, so that `kpidesk demo` can score and publish a site with no
// credentials.
//
// The data is shaped to exercise every metric of SPEC §4 and every escaping
// path of SPEC §11:
//
//   - Arrivals follow weekly and daily seasonality in Asia/Shanghai, grow over
//     time, spike after 11.11 and 618, and keep coming over public holidays
//     through the portal and email while agents are off: after National Day
//     (1–8 October 2025) first responses and handling times spike.
//   - Agents reply in working hours (09:00–12:00, 13:30–18:00, Monday to
//     Friday and adjusted working days); on plain weekends a duty rota of the
//     care, refunds and Tier 1 teams gives first responses 10:00–16:00, never
//     on public holidays. Response and handling times are
//     log-normal with per-channel, per-team and per-agent factors; a few
//     agents are clearly faster and better, a few clearly worse.
//   - About 60 % of contacts get an auto-reply bot comment within a minute,
//     which is never a first response; there are internal notes, customer
//     chasers, reopens, escalations (an escalated event, a transfer to the
//     Tier 2 team for technical complaints, sometimes a label and a priority
//     increase), CSAT answers on about a third of resolved complaints,
//     repeat contacts of the same customer and category, and suggestions and
//     inquiries beside complaints.
//   - Hostile strings (script tags, spreadsheet formulas, a 400-character
//     title, quotes and ampersands, a right-to-left override, Markdown) appear
//     in titles, customer names and one label at fixed index residues, so
//     every run of at least 1,000 contacts contains each of them.
//
// Complaint i depends only on (Seed, i): it draws from its own PCG streams,
// and its arrival is the stratified inverse of the cumulative arrival
// intensity, so complaints come out in creation order, batches are generated
// in parallel, and Fetch resumes at any cursor with identical output. The
// Assignee, Team and Department of a complaint are the owner who received it;
// a transfer to Tier 2 shows as an assignment event, and the Tier 2 agent's
// later replies as that agent's events. Derived fields are set with
// connectors.Derive, so they always agree with the events. Events after the
// end of the period are cut, as in a real export taken at that instant.
package demo

// Package parity holds a test, and nothing else, that kpidesk reproduces
// github-community-projects/issue-metrics under the options that mirror
// its definitions (docs/github.md, "Reproducing issue-metrics"):
//
//	sources: [{type: github, responders: anyone, …}]
//	metrics:
//	  clock: wall
//	  percentile: linear
//	  custom:
//	    - {id: time_in_triage, type: time_in, labels: [triage], clock: wall}
//
// The test serves recorded GitHub payloads (connectors/github/testdata)
// and generated issues from a loopback fake, syncs them with the github
// source, scores them, and compares each issue's evidence and the
// organization's mean, median and p90 in scores.json with an independent
// implementation of issue-metrics' definitions written in the test:
//
//   - time to first response: created_at to the first comment by anyone
//     but the author, bots (user type Bot) and deleted users;
//     kpidesk's first_response_time;
//   - time to close: created_at to closed_at of a closed issue; kpidesk's
//     handling_time;
//   - time in label: the sum of the labeled→unlabeled intervals before the
//     close, a label still on counting until the close (or now, as_of in
//     kpidesk, while open); kpidesk's custom time_in metric;
//   - average (numpy.average), median (numpy.median) and 90th percentile
//     (numpy.percentile(…, 90), linear interpolation).
//
// It also pins down where the two differ by design, under the default
// options (responders: agents, the business clock, nearest-rank p90) and
// in corner cases the options do not reach (docs/github.md).
package parity

package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
)

// Gate outcomes.
const (
	GatePass   = "pass"
	GateFail   = "fail"
	GateNoData = "no data" // no value, or an insufficient one: not a failure
)

// GateResult is one quality gate checked on one unit.
type GateResult struct {
	Gate   config.Gate
	Name   string // the gate's name, or its unit and metric
	Unit   Unit
	Period string
	Value  *float64 // nil without a value
	Result string   // GatePass, GateFail or GateNoData
	Bound  string   // the bound it broke, as written ("min 95%"), when it failed
}

// LatestMonth is the latest month that as_of has completed, else the last
// month scored: what the overview, summary.md and the gates look at.
func LatestMonth(s *Scores) string {
	latest, last := "", time.Time{}
	var lastID string
	for _, p := range s.Periods {
		if p.Kind != Month {
			continue
		}
		if !p.End.After(s.AsOf) && (latest == "" || p.Start.After(last)) {
			latest, last = p.ID, p.Start
		}
		if lastID == "" || p.ID > lastID {
			lastID = p.ID
		}
	}
	if latest == "" {
		return lastID
	}
	return latest
}

// CheckGates checks cfg's quality gates (SPEC §10) on the latest complete
// month: each gate against its unit, or each unit of its kind. A gate on
// final reads the unit's primary scorecard (the one that decides its
// grade); a gate on a metric reads the primary, else the first scorecard in
// config order that has it. A unit without data has no final: no data.
func CheckGates(cfg *config.Config, s *Scores) []GateResult {
	if len(cfg.Gates) == 0 {
		return nil
	}
	month := LatestMonth(s)
	order := map[string]int{}
	for i, sc := range cfg.Scorecards {
		if _, ok := order[sc.ID]; !ok {
			order[sc.ID] = i
		}
	}
	cards := map[string][]*Scorecard{} // unit key → the month's scorecards, in config order
	var units []Unit
	for i := range s.Scorecards {
		c := &s.Scorecards[i]
		if c.Period != month {
			continue
		}
		k := c.Unit.Key()
		if cards[k] == nil {
			units = append(units, c.Unit)
		}
		cards[k] = append(cards[k], c)
	}
	for _, cs := range cards {
		slices.SortStableFunc(cs, func(a, b *Scorecard) int {
			if a.Secondary != b.Secondary {
				if b.Secondary {
					return -1
				}
				return 1
			}
			return order[a.Scorecard] - order[b.Scorecard]
		})
	}
	slices.SortFunc(units, func(a, b Unit) int { return strings.Compare(a.Key(), b.Key()) })

	var out []GateResult
	for _, g := range cfg.Gates {
		var targets []Unit
		switch g.Unit {
		case "", UnitOrg:
			targets = []Unit{{Kind: UnitOrg, ID: "org"}}
		case "departments", "teams", "agents":
			kind := strings.TrimSuffix(g.Unit, "s")
			for _, u := range units {
				if u.Kind == kind {
					targets = append(targets, u)
				}
			}
		default:
			kind, id, _ := strings.Cut(g.Unit, ":")
			targets = []Unit{{Kind: kind, ID: id}}
		}
		for _, u := range targets {
			r := GateResult{Gate: g, Name: g.Name, Unit: u, Period: month, Result: GateNoData}
			if r.Name == "" {
				r.Name = unitLabel(u) + " " + g.Metric
			}
			r.Value = gateValue(cards[u.Key()], g.Metric)
			if r.Value != nil {
				r.Result = GatePass
				v := *r.Value
				switch {
				case g.Min.Set && v < g.Min.Number-1e-9:
					r.Result, r.Bound = GateFail, "min "+g.Min.Text
				case g.Max.Set && v > g.Max.Number+1e-9:
					r.Result, r.Bound = GateFail, "max "+g.Max.Text
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// gateValue is a unit's value of metric (or final) among its scorecards;
// nil when there is none or it is insufficient.
func gateValue(cards []*Scorecard, metric string) *float64 {
	for _, c := range cards {
		if metric == "final" {
			return c.Final
		}
		if m, ok := c.Metrics[metric]; ok {
			if m.Status == StatusInsufficient || m.Value == nil {
				return nil
			}
			return m.Value
		}
	}
	return nil
}

// GateFailures returns the gates that failed.
func GateFailures(rs []GateResult) []GateResult {
	var out []GateResult
	for _, r := range rs {
		if r.Result == GateFail {
			out = append(out, r)
		}
	}
	return out
}

// Describe says what a gate result found, in English, with the value in
// the metric's unit: "team:care-east response_rate 2026-06: 91.2 %, below
// min 95%".
func (r GateResult) Describe(info Info) string {
	where := unitLabel(r.Unit) + " " + r.Gate.Metric + " " + r.Period
	if r.Value == nil {
		return where + ": no value (insufficient data), not checked"
	}
	v := formatGateValue(info, r.Gate.Metric, *r.Value)
	switch {
	case r.Result == GateFail && strings.HasPrefix(r.Bound, "min"):
		return fmt.Sprintf("%s: %s, below %s", where, v, r.Bound)
	case r.Result == GateFail:
		return fmt.Sprintf("%s: %s, above %s", where, v, r.Bound)
	default:
		return fmt.Sprintf("%s: %s, passes", where, v)
	}
}

// unitLabel is how a gate names a unit: org, or kind:ID (as kpidesk
// explain takes it).
func unitLabel(u Unit) string {
	if u.Kind == UnitOrg {
		return UnitOrg
	}
	return u.Key()
}

func formatGateValue(info Info, metric string, v float64) string {
	switch {
	case metric == "final":
		return fmt.Sprintf("%.1f points", v)
	case info.Value == ValueRate:
		return fmt.Sprintf("%.1f%%", v*100)
	case info.Value == ValueDuration:
		return time.Duration(math.Round(v) * float64(time.Second)).String()
	default:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
	}
}

package demo

import (
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
)

// The files kpidesk demo writes beside its store when it scores with the
// built-in config, as a user would keep them: the config that reads the
// other two is written as kpidesk.yaml (see [Config]).
const (
	InputsFile  = "inputs.csv"   // written by [WriteInputs]
	AppealsFile = "appeals.yaml" // written by [WriteAppeals]
)

// Config returns builtIn, the text of kpidesk's built-in config, with the
// demo's appeals file and input file added: the kpidesk.yaml that kpidesk
// demo writes beside its store, so that later commands can take
// --config DIR/kpidesk.yaml.
func Config(builtIn []byte) []byte {
	return []byte(strings.Replace(string(builtIn), "\ninputs:\n", "\nappeals: "+AppealsFile+"\n\ninputs:\n  files: ["+InputsFile+"]\n", 1))
}

// CountComplaints counts the complaints per team and month that
// [WriteInputs] fits the demo's inputs to. each hands every stored
// complaint to its function, as store.Store.Each does.
func CountComplaints(each func(fn func(*connectors.Complaint) error) error) (Counts, error) {
	counts := Counts{}
	err := each(func(c *connectors.Complaint) error {
		if c.Kind == connectors.KindComplaint && c.Team != "" {
			counts[[2]string{c.Team, c.CreatedAt.In(cst).Format("2006-01")}]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// AgentNames maps the demo agents' IDs to their names, which scoring
// shows when the config names no agents.
func AgentNames() map[string]string {
	names := map[string]string{}
	for _, ag := range Org().Agents {
		names[ag.ID] = ag.Name
	}
	return names
}

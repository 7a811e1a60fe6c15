// Package action holds the steps of kpidesk's GitHub Action and their
// tests, and no code: action.yml at the repository's root is a composite
// action that builds kpidesk from the action's own checkout, restores the
// store from the Actions cache, runs steps.sh (config check, sync, build,
// the job summary, the outputs), saves the store even when the sync
// failed, uploads the site as a Pages artifact, and fails the job on a
// quality gate only then (docs/ci.md, "The GitHub Action").
//
// The tests run steps.sh with a kpidesk built for them and fake
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and check action.yml
// against the keys GitHub documents for action metadata.
package action

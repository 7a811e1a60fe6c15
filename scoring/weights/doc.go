// Package weights computes where a scorecard's weights come from (SPEC §6):
// fixed weights from the configuration, expert scoring, the analytic
// hierarchy process (AHP), the entropy method, and combinations of them.
// Seed 000 (its section "KPI权重设计") names the three ways to derive KPI
// weights that this package implements: expert scoring (专家打分法), AHP
// (层次分析法) and the entropy method (熵值法, "the larger the information
// entropy of an indicator, the smaller its weight"); its example weights
// (handling time 0.25, handling quality 0.35, feedback timeliness 0.15,
// prevention and improvement 0.25) are fixed weights.
//
// Every function returns weights that sum to 1, keyed by criterion (metric)
// name.
//
// # Expert scoring
//
// Each of E experts gives every criterion an importance score s[e][i] ≥ 0.
// The weight of criterion i is the mean score, normalized:
//
//	w_i = mean_e s[e][i] / Σ_k mean_e s[e][k]
//
// # AHP
//
// A decision maker fills a positive reciprocal matrix A on Saaty's 1–9
// scale: a_ij says how much more important criterion i is than j, a_ii = 1
// and a_ji = 1/a_ij. The weights are the principal (Perron) eigenvector w
// of A, normalized to sum 1, with eigenvalue λmax ≥ n. A perfectly
// consistent matrix (a_ij·a_jk = a_ik for all i, j, k) has a_ij = w_i/w_j
// and λmax = n, so the excess measures inconsistency:
//
//	CI = (λmax − n) / (n − 1)
//	CR = CI / RI
//
// RI is Saaty's random index, the mean CI of random reciprocal matrices of
// the same size: n = 3…15 → 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
// 1.51, 1.48, 1.56, 1.57, 1.59. A matrix of size n ≤ 2 is always consistent
// (RI = 0, CR = 0); sizes above 15 are refused. CR < 0.10 is accepted.
// Otherwise AHP returns an *InconsistentError that names the judgement
// that disagrees most with the weights: the pair (i, j) with the largest
// ε + 1/ε, where ε = a_ij·w_j/w_i (ε = 1 for a judgement that agrees), and
// the value w_i/w_j that would agree with the others.
//
// # Entropy
//
// The entropy method derives objective weights from the data of the
// period: m evaluated units (teams, agents) × n criteria, x_ij. Each column
// is turned into shares p_ij that sum to 1 over the units:
//
//	sum:    p_ij = x_ij / Σ_i x_ij                 (x_ij ≥ 0; the default)
//	minmax: z_ij = (x_ij − min_j)/(max_j − min_j)  (1 − z_ij where lower is better)
//	        p_ij = z_ij / Σ_i z_ij
//
// then
//
//	e_j = −(1/ln m) Σ_i p_ij ln p_ij     (0·ln 0 = 0; 0 ≤ e_j ≤ 1)
//	d_j = 1 − e_j                        (divergence)
//	w_j = d_j / Σ_k d_k
//
// A criterion whose values are spread evenly over the units carries little
// information, has entropy near 1 and gets a small weight. A criterion that
// does not vary at all gets weight 0: under sum its shares are all 1/m, so
// e = 1 and d = 0 on their own; an all-zero column has no shares and is
// treated the same way. Such criteria are listed in EntropyResult.Constant.
//
// # Combining
//
// Combined mixes a subjective weighting (expert or AHP) with an objective
// one (entropy): w = α·subjective + (1 − α)·objective, renormalized.
// TwoLevel multiplies a category's weight by a metric's weight inside the
// category.
package weights

package inputs

import "github.com/kpidesk/kpidesk/internal/problem"

// Problem is one thing wrong with an input file, with its position; Line
// is 0 when the problem is about the whole file.
type Problem = problem.Problem

// Problems is every problem found in one Load, Parse or Validate.
type Problems = problem.List

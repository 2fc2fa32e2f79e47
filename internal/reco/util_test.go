package reco

import "fmt"

func fmt4(x float64) string { return fmt.Sprintf("%.4f", x) }

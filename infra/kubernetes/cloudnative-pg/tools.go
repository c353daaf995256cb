//go:build tools

// The operator scripts/k8s/cloudnative-pg.sh builds; importing it keeps its dependencies in go.sum.
package tools

import _ "github.com/cloudnative-pg/cloudnative-pg/cmd/manager"

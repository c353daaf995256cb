//go:build tools

// The command scripts/k8s/images.sh builds; importing it keeps its dependencies in go.sum.
package tools

import _ "github.com/coredns/coredns"

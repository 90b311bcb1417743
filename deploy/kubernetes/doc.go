// Package kubernetes holds jobboard's Kubernetes manifests (the *.yaml files
// beside this file) and, in its tests, the checks that parse every manifest
// strictly into the Kubernetes API types so a typo fails CI. It has no code
// of its own.
package kubernetes

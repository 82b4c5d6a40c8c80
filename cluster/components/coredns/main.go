// CoreDNS with only the plugins the cluster's DNS needs, as CoreDNS's own custom
// builds do: the plugin imports register them, and Directives fixes their order
// (the same relative order as upstream's plugin.cfg). bind keeps it on the node's
// bridge. There is no forward plugin: the cluster answers its own names and never
// asks a resolver outside it, so there is no loop for the loop plugin to catch
// either (without a plugin after it, it only logs an error).
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	dnsserver.Directives = []string{
		"bind",
		"ready",
		"health",
		"errors",
		"log",
		"cache",
		"kubernetes",
	}
	coremain.Run()
}

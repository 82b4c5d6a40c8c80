// etcd's own command line, as the release binary has it: the server module's
// etcdmain.Main is what etcd's root main package calls.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

package pkg

type Set[K comparable] map[K]struct{}

func (s Set[K]) Add(k K) { s[k] = struct{}{} }

func (Set[K]) Len() int { return 0 }

func (c Client) String() string { return "client" }

func run() { helper(nil) }

func init() {}

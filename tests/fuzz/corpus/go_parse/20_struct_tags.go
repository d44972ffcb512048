package tags

type User struct {
	ID        int64             `json:"id" db:"id,pk"`
	Name      string            `json:"name,omitempty"`
	Email     string            "json:\"email\""
	Tags      []string          `json:"tags"`
	Meta      map[string]string `json:"-"`
	CreatedAt struct {
		Sec, Nsec int64
	} `json:"created_at"`
	embedded `json:",inline"`
	*Other
}

type embedded struct{}
type Other struct{}

package validate

import "testing"

func BenchmarkValidate(b *testing.B) {
	for _, mode := range []struct {
		name string
		v    *Validator
	}{{"lenient", hedgehog(b)}, {"strict", strict(b)}} {
		b.Run(mode.name, func(b *testing.B) {
			o := obj(b, validDocs["vpc"])
			b.ReportAllocs()
			for b.Loop() {
				if err := mode.v.Validate(o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package watchdog

import (
	"encoding/binary"
	"math/bits"
)

// XXH64 as specified in the xxHash specification
// (github.com/Cyan4973/xxHash, doc/xxhash_spec.md), with seed 0 only: the
// bucket ID contract (docs/dump-buckets.md) fixes the seed, and the C tools
// compute the same value with libxxhash.

const (
	prime64_1 uint64 = 0x9E3779B185EBCA87
	prime64_2 uint64 = 0xC2B2AE3D27D4EB4F
	prime64_3 uint64 = 0x165667B19E3779F9
	prime64_4 uint64 = 0x85EBCA77C2B2AE63
	prime64_5 uint64 = 0x27D4EB2F165667C5
)

func xxhRound(acc, lane uint64) uint64 {
	acc += lane * prime64_2
	acc = bits.RotateLeft64(acc, 31)
	return acc * prime64_1
}

func xxhMerge(acc, v uint64) uint64 {
	acc ^= xxhRound(0, v)
	return acc*prime64_1 + prime64_4
}

// xxh64 returns XXH64(b, seed 0).
func xxh64(b []byte) uint64 {
	n := uint64(len(b))
	var h uint64
	if len(b) >= 32 {
		// Four accumulators over 32-byte stripes.
		// seed + prime1 + prime2, seed + prime2, seed, seed - prime1, in
		// wrapping uint64 arithmetic (as constants they would overflow).
		v1, v2, v3, v4 := uint64(prime64_1), uint64(prime64_2), uint64(0), uint64(0)
		v1 += prime64_2
		v4 -= prime64_1
		for ; len(b) >= 32; b = b[32:] {
			v1 = xxhRound(v1, binary.LittleEndian.Uint64(b[0:]))
			v2 = xxhRound(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = xxhRound(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = xxhRound(v4, binary.LittleEndian.Uint64(b[24:]))
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) +
			bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxhMerge(h, v1)
		h = xxhMerge(h, v2)
		h = xxhMerge(h, v3)
		h = xxhMerge(h, v4)
	} else {
		h = prime64_5
	}
	h += n
	// The remaining 0–31 bytes: 8, then 4, then 1 at a time.
	for ; len(b) >= 8; b = b[8:] {
		h ^= xxhRound(0, binary.LittleEndian.Uint64(b))
		h = bits.RotateLeft64(h, 27)*prime64_1 + prime64_4
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * prime64_1
		h = bits.RotateLeft64(h, 23)*prime64_2 + prime64_3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * prime64_5
		h = bits.RotateLeft64(h, 11) * prime64_1
	}
	// Avalanche.
	h ^= h >> 33
	h *= prime64_2
	h ^= h >> 29
	h *= prime64_3
	h ^= h >> 32
	return h
}

package morph

import (
	"encoding/binary"
	"unsafe"
)

// nativeLE reports whether the host is little-endian, in which case the
// serialized arrays are copied into place, or used in place, instead of
// decoded one by one.
var nativeLE = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// morphNative reports whether a morph is laid out in memory as in the
// serialized form (left, right, weight, info at offsets 0, 2, 4, 6 of 8
// bytes) on this host.
var morphNative = nativeLE && unsafe.Sizeof(morph{}) == morphSize &&
	unsafe.Offsetof(morph{}.right) == 2 && unsafe.Offsetof(morph{}.weight) == 4 &&
	unsafe.Offsetof(morph{}.info) == 6

// aligned reports whether p (not empty) starts at a multiple of n bytes.
func aligned(p []byte, n uintptr) bool {
	return uintptr(unsafe.Pointer(&p[0]))%n == 0
}

// uint32s returns the little-endian p (len(p) a multiple of 4) as
// []uint32: p itself when share is set and the host allows, else a copy.
func uint32s(p []byte, share bool) []uint32 {
	n := len(p) / 4
	if n == 0 {
		return []uint32{}
	}
	if nativeLE && aligned(p, 4) {
		v := unsafe.Slice((*uint32)(unsafe.Pointer(&p[0])), n)
		if share {
			return v
		}
		return append([]uint32(nil), v...)
	}
	dst := make([]uint32, n)
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint32(p[4*i:])
	}
	return dst
}

// int16s is uint32s for int16.
func int16s(p []byte, share bool) []int16 {
	n := len(p) / 2
	if n == 0 {
		return []int16{}
	}
	if nativeLE && aligned(p, 2) {
		v := unsafe.Slice((*int16)(unsafe.Pointer(&p[0])), n)
		if share {
			return v
		}
		return append([]int16(nil), v...)
	}
	dst := make([]int16, n)
	for i := range dst {
		dst[i] = int16(binary.LittleEndian.Uint16(p[2*i:]))
	}
	return dst
}

// morphs is uint32s for serialized morphs (len(p) a multiple of
// morphSize).
func morphs(p []byte, share bool) []morph {
	n := len(p) / morphSize
	if n == 0 {
		return []morph{}
	}
	if morphNative && aligned(p, unsafe.Alignof(morph{})) {
		v := unsafe.Slice((*morph)(unsafe.Pointer(&p[0])), n)
		if share {
			return v
		}
		return append([]morph(nil), v...)
	}
	le := binary.LittleEndian
	dst := make([]morph, n)
	for i := range dst {
		q := p[morphSize*i:]
		dst[i] = morph{left: le.Uint16(q), right: le.Uint16(q[2:]), weight: int16(le.Uint16(q[4:])), info: q[6]}
	}
	return dst
}

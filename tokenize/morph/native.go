package morph

import (
	"encoding/binary"
	"unsafe"
)

// nativeLE reports whether the host is little-endian, in which case the
// serialized arrays are copied into place instead of decoded one by one.
var nativeLE = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// readUint32s fills dst from the little-endian p (len(p) >= 4*len(dst)).
func readUint32s(dst []uint32, p []byte) {
	if nativeLE && len(dst) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*len(dst)), p)
		return
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint32(p[4*i:])
	}
}

// readInt16s fills dst from the little-endian p (len(p) >= 2*len(dst)).
func readInt16s(dst []int16, p []byte) {
	if nativeLE && len(dst) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 2*len(dst)), p)
		return
	}
	for i := range dst {
		dst[i] = int16(binary.LittleEndian.Uint16(p[2*i:]))
	}
}

package store

import (
	"encoding/binary"

	"gongkai/report"
)

// Copied text (report.BodyText, report.CopiedShare) is measured here on MinHash
// signatures of a body's set of 5-character shingles: 128 values of one-permutation
// hashing (Li, Owen & Zhang 2012, with densification by re-hashing for empty bins,
// Shrivastava 2017). The share of equal values estimates the Jaccard similarity of
// two bodies within about ±0.04; with the bodies' numbers of distinct shingles it
// gives the share of one body found in the other. Same-year peers are found without
// comparing every pair: each latest version's signature is cut into 32 bands of 4
// values, and only reports sharing a band bucket are compared (LSH). A pair with
// similarity 0.5 shares a bucket with probability 0.87, 0.6 with 0.985, 0.7 with
// 0.9997: a report four fifths of which is another of about its length (Jaccard
// 0.67) is all but always found; a short body copied into a much longer one may not be.
const (
	signatureSize  = 128
	bandCount      = 32
	rowsPerBand    = signatureSize / bandCount
	maxPeerSamples = 1000
)

// signature is a MinHash signature.
type signature []uint32

// textSignature returns the signature of a text's body and its number of distinct
// shingles, or nil when the body is too short to compare.
func textSignature(text string) (signature, int) {
	body := report.BodyText(text)
	if len(body) < report.MinBodyRunes {
		return nil, 0
	}
	sig := make(signature, signatureSize)
	filled := make([]bool, signatureSize)
	n := len(body) - report.ShingleSize + 1
	distinct := make(map[uint64]struct{}, n)
	for i := 0; i < n; i++ {
		h := uint64(14695981039346656037)
		for _, r := range body[i : i+report.ShingleSize] {
			h ^= uint64(r)
			h *= 1099511628211
		}
		h = mix64(h)
		distinct[h] = struct{}{}
		bin, val := h>>57, uint32(h)
		if !filled[bin] || val < sig[bin] {
			sig[bin], filled[bin] = val, true
		}
	}
	// An empty bin takes the value of a bin chosen by hashing its index, the same
	// choice for every text, so that equal bodies keep equal signatures.
	for i := range sig {
		if filled[i] {
			continue
		}
		for attempt := uint64(1); ; attempt++ {
			j := mix64(uint64(i)<<32|attempt) % signatureSize
			if filled[j] {
				sig[i] = sig[j]
				break
			}
		}
	}
	return sig, len(distinct)
}

// mix64 is the splitmix64 finaliser: it spreads every input bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// similarity estimates the Jaccard similarity of the two bodies.
func (s signature) similarity(o signature) float64 {
	if len(s) != signatureSize || len(o) != signatureSize {
		return 0
	}
	same := 0
	for i := range s {
		if s[i] == o[i] {
			same++
		}
	}
	return float64(same) / signatureSize
}

// buckets returns the LSH bucket of each band.
func (s signature) buckets() []int64 {
	out := make([]int64, bandCount)
	for b := range out {
		h := uint64(b + 1)
		for _, v := range s[b*rowsPerBand : (b+1)*rowsPerBand] {
			h = mix64(h ^ uint64(v))
		}
		out[b] = int64(h)
	}
	return out
}

func (s signature) bytes() []byte {
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func signatureFrom(b []byte) signature {
	if len(b) != 4*signatureSize {
		return nil
	}
	s := make(signature, signatureSize)
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return s
}

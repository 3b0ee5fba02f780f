//! keccak256 of eight short messages at once with AVX-512.
//!
//! A Merkle tree is nothing but keccak256 of short inputs (128-byte leaf encodings, 32-byte leaf
//! digests, 64-byte node pairs), each a single keccak block. One AVX-512 register holds the same lane
//! of eight independent states, so one pass of keccak-f[1600] permutes eight states: `vprolq` rotates
//! all eight lanes and `vpternlogq` does chi's `a ^ (!b & c)` and theta's five-way XOR in one
//! instruction each. On the machines without AVX-512 callers use the scalar `keccak256` instead
//! ([`available`] says which).
//!
//! Written from the Keccak reference (FIPS 202): state lane `x + 5y`, theta, rho and pi, chi, iota.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m512i, _mm512_loadu_si512, _mm512_rolv_epi64, _mm512_set1_epi64, _mm512_storeu_si512,
    _mm512_ternarylogic_epi64, _mm512_xor_si512,
};

use alloy_primitives::B256;

/// Bytes of a keccak256 block (the rate): a single-block message is at most `RATE - 1` bytes.
pub(crate) const RATE: usize = 136;

const ROUND_CONSTANTS: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// Rotation (rho) of lane `x + 5y`.
const RHO: [u64; 25] = [
    0, 1, 62, 28, 27, //
    36, 44, 6, 55, 20, //
    3, 10, 43, 25, 39, //
    41, 45, 15, 21, 8, //
    18, 2, 61, 56, 14,
];

/// Whether this CPU can run the eight-way permutation.
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Eight keccak states, lane-major: `state[lane][message]`.
pub(crate) type States = [[u64; 8]; 25];

/// Absorbs `msg` (at most `RATE - 1` bytes) as message `j` of a fresh batch, with keccak's padding.
#[inline]
pub(crate) fn absorb(state: &mut States, j: usize, msg: &[u8]) {
    debug_assert!(msg.len() < RATE);
    let mut block = [0u8; RATE];
    block[..msg.len()].copy_from_slice(msg);
    block[msg.len()] ^= 0x01;
    block[RATE - 1] ^= 0x80;
    for (lane, bytes) in block.chunks_exact(8).enumerate() {
        state[lane][j] = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
    }
    for lane in state.iter_mut().skip(RATE / 8) {
        lane[j] = 0;
    }
}

/// The 32-byte digest of message `j` after the permutation.
#[inline]
pub(crate) fn squeeze(state: &States, j: usize) -> B256 {
    let mut out = [0u8; 32];
    for lane in 0..4 {
        out[lane * 8..lane * 8 + 8].copy_from_slice(&state[lane][j].to_le_bytes());
    }
    B256::from(out)
}

/// keccak-f[1600] on all eight states.
///
/// # Safety
/// The CPU must support AVX-512F ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn permute(state: &mut States) {
    // SAFETY (whole body): each `state[i]` is 8 contiguous u64 = 64 bytes, exactly one unaligned
    // 512-bit load or store; AVX-512F is guaranteed by the caller.
    unsafe {
        let mut a: [__m512i; 25] =
            std::array::from_fn(|i| _mm512_loadu_si512(state[i].as_ptr().cast()));
        let rho: [__m512i; 25] = std::array::from_fn(|i| _mm512_set1_epi64(RHO[i] as i64));
        let one = _mm512_set1_epi64(1);
        for rc in ROUND_CONSTANTS {
            // theta: column parities (two three-way XORs each), then D[x] = C[x-1] ^ rot(C[x+1], 1).
            let c: [__m512i; 5] = std::array::from_fn(|x| {
                let t = _mm512_ternarylogic_epi64::<0x96>(a[x], a[x + 5], a[x + 10]);
                _mm512_ternarylogic_epi64::<0x96>(t, a[x + 15], a[x + 20])
            });
            for x in 0..5 {
                let d = _mm512_xor_si512(c[(x + 4) % 5], _mm512_rolv_epi64(c[(x + 1) % 5], one));
                for y in 0..5 {
                    a[x + 5 * y] = _mm512_xor_si512(a[x + 5 * y], d);
                }
            }
            // rho and pi: B[y, 2x + 3y] = rot(A[x, y], RHO[x, y]).
            let mut b = a;
            for x in 0..5 {
                for y in 0..5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] =
                        _mm512_rolv_epi64(a[x + 5 * y], rho[x + 5 * y]);
                }
            }
            // chi: A[x, y] = B[x, y] ^ (!B[x+1, y] & B[x+2, y]); 0xD2 is that truth table.
            for y in 0..5 {
                for x in 0..5 {
                    a[x + 5 * y] = _mm512_ternarylogic_epi64::<0xD2>(
                        b[x + 5 * y],
                        b[(x + 1) % 5 + 5 * y],
                        b[(x + 2) % 5 + 5 * y],
                    );
                }
            }
            // iota.
            a[0] = _mm512_xor_si512(a[0], _mm512_set1_epi64(rc as i64));
        }
        for (i, lane) in a.iter().enumerate() {
            _mm512_storeu_si512(state[i].as_mut_ptr().cast(), *lane);
        }
    }
}

/// keccak256 of eight messages of at most `RATE - 1` bytes each.
///
/// # Safety
/// The CPU must support AVX-512F ([`available`]).
#[cfg(target_arch = "x86_64")]
pub(crate) unsafe fn keccak256_x8(msgs: [&[u8]; 8]) -> [B256; 8] {
    let mut state: States = [[0; 8]; 25];
    for (j, m) in msgs.iter().enumerate() {
        absorb(&mut state, j, m);
    }
    // SAFETY: forwarded from the caller.
    unsafe { permute(&mut state) };
    std::array::from_fn(|j| squeeze(&state, j))
}

/// keccak256 of eight messages of at most `RATE - 1` bytes each, or `None` when this CPU lacks
/// AVX-512 (the caller then hashes one by one).
#[inline]
pub(crate) fn try_keccak256_x8(msgs: [&[u8]; 8]) -> Option<[B256; 8]> {
    #[cfg(target_arch = "x86_64")]
    if available() {
        // SAFETY: AVX-512F was just detected (the detection is cached by std).
        return Some(unsafe { keccak256_x8(msgs) });
    }
    let _ = msgs;
    None
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use alloy_primitives::keccak256;

    use super::*;

    #[test]
    fn matches_keccak256_for_every_single_block_length() {
        if !available() {
            eprintln!("no AVX-512 on this CPU: the eight-way path is unused here");
            return;
        }
        let data: Vec<u8> = (0..RATE as u32 * 8)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in 0..RATE {
            let msgs: [&[u8]; 8] = std::array::from_fn(|j| &data[j * RATE..j * RATE + len]);
            // SAFETY: checked above.
            let got = unsafe { keccak256_x8(msgs) };
            for j in 0..8 {
                assert_eq!(got[j], keccak256(msgs[j]), "len {len} message {j}");
            }
        }
    }
}

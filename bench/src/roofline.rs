//! The two rooflines every batch number is compared with, at the best tier of the CPU:
//! an affine map `y = a·x + b` (the store-bound limit of a map) and a plain sum (the
//! load-bound limit of a reduction).

/// The widest tier the CPU running this has (the kernels' own detection), as named in
/// the bench output.
pub fn best_tier() -> &'static str {
    expfam_kernels::simd::detected().name()
}

#[inline(always)]
fn affine_body<T: Copy + core::ops::Mul<Output = T> + core::ops::Add<Output = T>>(
    a: T,
    b: T,
    xs: &[T],
    out: &mut [T],
) {
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = a * x + b;
    }
}

#[inline(always)]
fn sum_body<T: Copy + Default + core::ops::Add<Output = T>>(xs: &[T]) -> T {
    // Sixteen independent accumulators: the compiler keeps them in vector registers.
    let mut acc = [T::default(); 16];
    let mut chunks = xs.chunks_exact(16);
    for ch in &mut chunks {
        for i in 0..16 {
            acc[i] = acc[i] + ch[i];
        }
    }
    let mut s = T::default();
    for a in acc {
        s = s + a;
    }
    for &x in chunks.remainder() {
        s = s + x;
    }
    s
}

macro_rules! tiered {
    ($name:ident, $sum:ident, $t:ty) => {
        /// The affine-map roofline at the best tier.
        pub fn $name(a: $t, b: $t, xs: &[$t], out: &mut [$t]) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                fn avx512(a: $t, b: $t, xs: &[$t], out: &mut [$t]) {
                    affine_body(a, b, xs, out)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2(a: $t, b: $t, xs: &[$t], out: &mut [$t]) {
                    affine_body(a, b, xs, out)
                }
                match best_tier() {
                    // SAFETY: best_tier() reported avx512f on this CPU.
                    "avx512" => return unsafe { avx512(a, b, xs, out) },
                    // SAFETY: best_tier() reported avx2 and fma on this CPU.
                    "avx2" => return unsafe { avx2(a, b, xs, out) },
                    _ => {}
                }
            }
            affine_body(a, b, xs, out)
        }

        /// The plain-sum roofline at the best tier.
        pub fn $sum(xs: &[$t]) -> $t {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                fn avx512(xs: &[$t]) -> $t {
                    sum_body(xs)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2(xs: &[$t]) -> $t {
                    sum_body(xs)
                }
                match best_tier() {
                    // SAFETY: best_tier() reported avx512f on this CPU.
                    "avx512" => return unsafe { avx512(xs) },
                    // SAFETY: best_tier() reported avx2 and fma on this CPU.
                    "avx2" => return unsafe { avx2(xs) },
                    _ => {}
                }
            }
            sum_body(xs)
        }
    };
}

tiered!(affine_f64, sum_f64, f64);
tiered!(affine_f32, sum_f32, f32);

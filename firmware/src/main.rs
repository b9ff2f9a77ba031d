//! A firmware-shaped user of expfam: a Cortex-M4F binary (single-precision FPU) that
//! scores a buffer of sensor readings under a normal and a gamma model with the f32
//! precomputed-constant kernels, forever. `ci/firmware.sh` builds it and prints the
//! size of its `.text`.
#![no_std]
#![no_main]

use core::panic::PanicInfo;
use expfam_kernels::{ExpFam, Gamma, Kernel, Normal};

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    halt()
}

/// Stops here: on a real board a watchdog would reset the chip.
fn halt() -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// Readings, written by a DMA engine on real hardware.
static mut READINGS: [f32; 64] = [0.0; 64];

/// The two log-likelihoods, read by the rest of the firmware.
#[unsafe(no_mangle)]
pub static mut LOG_LIKELIHOODS: [f32; 2] = [0.0; 2];

/// The entry point: builds the kernels once, then scores the buffer in a loop.
#[unsafe(no_mangle)]
pub extern "C" fn reset() -> ! {
    // Invalid parameters are a typed error, never a panic: fall back to a safe model.
    let normal = match Normal::new(0.0f32, 1.5) {
        Ok(d) => d.kernel(),
        Err(_) => halt(),
    };
    let gamma = match Gamma::new(2.5f32, 0.8) {
        Ok(d) => d.kernel(),
        Err(_) => halt(),
    };
    loop {
        // SAFETY: single-threaded firmware without interrupts: nothing else accesses
        // READINGS or LOG_LIKELIHOODS while this copy and this store run.
        let xs = unsafe { core::ptr::read_volatile(&raw const READINGS) };
        let out = [normal.sum(&xs), gamma.sum(&xs)];
        // SAFETY: as above.
        unsafe { core::ptr::write_volatile(&raw mut LOG_LIKELIHOODS, out) };
    }
}

/// The Cortex-M vector table's first two words: the initial stack pointer (top of RAM)
/// and the reset handler.
#[repr(C)]
pub struct VectorTable {
    stack_top: u32,
    reset: extern "C" fn() -> !,
}

/// Placed first in flash by `link.x`.
#[unsafe(link_section = ".vector_table")]
#[unsafe(no_mangle)]
pub static VECTOR_TABLE: VectorTable = VectorTable {
    stack_top: 0x2002_0000,
    reset,
};

package org.sparsenn.kernel;

import java.util.Locale;

/**
 * An instruction-set level of the native kernels. The codes match {@code SNN_ISA_*} in
 * {@code native/include/sparsenn/kernels.h}. On x86-64 the levels are ordered
 * {@code SCALAR < AVX2 < AVX512}; on arm64 {@code SCALAR < NEON}.
 */
public enum Isa {
  /** Plain C++: the reference every SIMD variant is tested against. */
  SCALAR(0),
  /** AVX2 with FMA (x86-64). */
  AVX2(1),
  /** AVX-512F (x86-64). */
  AVX512(2),
  /** NEON (arm64). */
  NEON(3);

  private final int code;

  Isa(int code) {
    this.code = code;
  }

  /** The native code of this level. */
  public int code() {
    return code;
  }

  /** The lower-case name used in properties and reports, e.g. {@code avx512}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a level by its label, ignoring case.
   *
   * @throws IllegalArgumentException if the name is not a known level
   */
  public static Isa parse(String name) {
    for (Isa isa : values()) {
      if (isa.label().equalsIgnoreCase(name.trim())) {
        return isa;
      }
    }
    throw new IllegalArgumentException(
        "unknown ISA level '" + name + "': expected one of scalar, avx2, avx512, neon");
  }

  /** The level with the given native code. */
  static Isa ofCode(int code) {
    for (Isa isa : values()) {
      if (isa.code == code) {
        return isa;
      }
    }
    throw new IllegalArgumentException("unknown native ISA code " + code);
  }

  /**
   * Whether this level is at most {@code cap} on the same architecture: {@code SCALAR} is
   * below everything, {@code AVX2 < AVX512}, and {@code NEON} is only below itself.
   */
  public boolean isAtMost(Isa cap) {
    if (this == SCALAR || this == cap) {
      return true;
    }
    return this == AVX2 && cap == AVX512;
  }
}

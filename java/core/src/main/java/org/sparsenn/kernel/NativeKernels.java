package org.sparsenn.kernel;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.sparsenn.kernel.internal.GateCell;
import org.sparsenn.kernel.internal.RawKernels;

/**
 * The native kernels, at one ISA level, bound through JavaCPP to
 * {@code native/include/sparsenn/kernels.h}. This is the only class that declares
 * {@code native} methods; they take raw addresses ({@code long}), which is the cheapest way
 * across JNI, and every public method here passes only addresses of open
 * {@link AlignedBuffer}s whose sizes the caller has validated.
 *
 * <p>Loading order (logged at DEBUG): the JNI library for this platform from
 * {@code sparsenn-<version>-<platform>.jar} on the classpath (JavaCPP extracts and loads it), then
 * OpenBLAS ({@link OpenBlas}), whose {@code cblas_sgemv}/{@code cblas_sgemm} addresses are handed
 * to the native side. If the JNI library cannot load, {@link #isLoaded()}
 * is false and {@link #loadFailure()} says why; if only OpenBLAS fails, the BLAS kernels throw.
 */
@Platform(include = "sparsenn/kernels.h", link = "sparsenn_kernels")
public final class NativeKernels implements Kernels, RawKernels {
  private static final System.Logger LOG = System.getLogger(NativeKernels.class.getName());
  private static final int STATUS_OK = 0;
  private static final int STATUS_ISA_UNSUPPORTED = -1;
  private static final int STATUS_BAD_ACTIVATION = -2;
  private static final int STATUS_BLAS_UNBOUND = -3;

  private static final Throwable LOAD_FAILURE;
  private static final Throwable BLAS_FAILURE;

  static {
    Throwable loadFailure = null;
    Throwable blasFailure = null;
    if (!Boolean.parseBoolean(System.getProperty("sparsenn.native", "true"))) {
      loadFailure = new UnsupportedOperationException("disabled by -Dsparsenn.native=false");
    } else {
      try {
        String library = Loader.load();
        LOG.log(Level.DEBUG, "sparsenn native library for {0}: {1}", Loader.getPlatform(), library);
      } catch (Throwable t) {
        loadFailure = explainLoadFailure(t);
      }
      if (loadFailure == null) {
        blasFailure = OpenBlas.loadAndBind();
      }
    }
    LOAD_FAILURE = loadFailure;
    BLAS_FAILURE = blasFailure;
  }

  private final Isa isa;

  private NativeKernels(Isa isa) {
    this.isa = isa;
  }

  /**
   * Native kernels at the given level.
   *
   * @throws IllegalStateException if the native library is not loaded
   * @throws IllegalArgumentException if this CPU cannot run {@code isa}
   */
  public static NativeKernels at(Isa isa) {
    requireLoaded();
    if (snn_isa_supported(isa.code()) == 0) {
      throw new IllegalArgumentException("this CPU cannot run the " + isa.label() + " kernels");
    }
    return new NativeKernels(isa);
  }

  /** Whether the native library loaded. */
  public static boolean isLoaded() {
    return LOAD_FAILURE == null;
  }

  /** Why the native library did not load, or null if it did. */
  public static Throwable loadFailure() {
    return LOAD_FAILURE;
  }

  /** Whether the OpenBLAS-backed kernels are usable. */
  public static boolean isBlasBound() {
    return isLoaded() && snn_blas_bound() != 0;
  }

  /** Why OpenBLAS could not be bound, or null. */
  public static Throwable blasFailure() {
    return BLAS_FAILURE;
  }

  /**
   * The best level this CPU runs.
   *
   * @throws IllegalStateException if the native library is not loaded
   */
  public static Isa bestIsa() {
    requireLoaded();
    return Isa.ofCode(snn_isa_best());
  }

  /** Whether this CPU runs the given level; false when the library is not loaded. */
  public static boolean supports(Isa isa) {
    return isLoaded() && snn_isa_supported(isa.code()) != 0;
  }

  /** The native library's version string. */
  public static String version() {
    requireLoaded();
    return snn_version();
  }

  /** The level these kernels run at. */
  public Isa isa() {
    return isa;
  }

  @Override
  public String name() {
    return "native-" + isa.label();
  }

  @Override
  public boolean isNative() {
    return true;
  }

  @Override
  public void spmv(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    int status;
    if (a.valueType() == ValueType.BF16) {
      status = snn_f32_spmv_csr16_bf16(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), addressOf(bias),
          y.address(), epilogue.function().code(), epilogue.alpha());
    } else if (a.indexWidth() == IndexWidth.INT32) {
      status = snn_f32_spmv_csr(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), addressOf(bias),
          y.address(), epilogue.function().code(), epilogue.alpha());
    } else {
      status = snn_f32_spmv_csr16(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), addressOf(bias),
          y.address(), epilogue.function().code(), epilogue.alpha());
    }
    check(status, "spmv");
  }

  @Override
  public void spmm(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    int status;
    if (a.valueType() == ValueType.BF16) {
      status = snn_f32_spmm_csr16_bf16(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), batch,
          addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha());
    } else if (a.indexWidth() == IndexWidth.INT32) {
      status = snn_f32_spmm_csr(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), batch,
          addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha());
    } else {
      status = snn_f32_spmm_csr16(isa.code(), rowBegin, rowEnd, a.rowPointers().address(),
          a.columnIndices().address(), a.values().address(), x.address(), batch,
          addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha());
    }
    check(status, "spmm");
  }

  @Override
  public void spmmBlock(BlockOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    int status;
    if (batch == 1) {
      status = snn_f32_spmv_bsr16(isa.code(), rowBegin, rowEnd, w.panelPointers().address(),
          w.blockColumns().address(), w.values().address(), x.address(), addressOf(bias),
          y.address(), epilogue.function().code(), epilogue.alpha());
    } else {
      status = snn_f32_spmm_bsr16(isa.code(), rowBegin, rowEnd, w.panelPointers().address(),
          w.blockColumns().address(), w.values().address(), x.address(), batch,
          addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha());
    }
    check(status, "spmmBlock");
  }

  @Override
  public void gemv(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_gemv(isa.code(), rowBegin, rowEnd, w.cols(), w.weights().address(),
        x.address(), addressOf(bias), y.address(), epilogue.function().code(),
        epilogue.alpha()), "gemv");
  }

  @Override
  public void gemvBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_gemv_blas(isa.code(), rowBegin, rowEnd, w.cols(), w.weights().address(),
        x.address(), addressOf(bias), y.address(), epilogue.function().code(),
        epilogue.alpha()), "gemv_blas");
  }

  @Override
  public void gemm(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_gemm(isa.code(), rowBegin, rowEnd, w.cols(), w.weights().address(),
        x.address(), batch, addressOf(bias), y.address(), epilogue.function().code(),
        epilogue.alpha()), "gemm");
  }

  @Override
  public void gemmPacked(PackedOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_gemm_packed(isa.code(), rowBegin, rowEnd, w.cols(), w.panels().address(),
        x.address(), batch, addressOf(bias), y.address(), epilogue.function().code(),
        epilogue.alpha()), "gemm_packed");
  }

  @Override
  public void spmvCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmv_csc16(isa.code(), rowBegin, rowEnd, a.cols(), a.panelRows(),
        a.colPointers().address(), a.rowOffsets().address(), a.values().address(), x.address(),
        addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha()),
        "spmv_csc16");
  }

  @Override
  public void spmmCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmm_csc16(isa.code(), rowBegin, rowEnd, a.cols(), a.panelRows(),
        a.colPointers().address(), a.rowOffsets().address(), a.values().address(), x.address(),
        batch, addressOf(bias), y.address(), epilogue.function().code(), epilogue.alpha()),
        "spmm_csc16");
  }

  @Override
  public void gemmBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_gemm_blas(isa.code(), rowBegin, rowEnd, w.cols(), w.weights().address(),
        x.address(), batch, addressOf(bias), y.address(), epilogue.function().code(),
        epilogue.alpha()), "gemm_blas");
  }

  @Override
  public void transpose(int rows, int cols, AlignedBuffer src, AlignedBuffer dst) {
    check(snn_f32_transpose(isa.code(), rows, cols, src.address(), dst.address()), "transpose");
  }

  @Override
  public void softmax(int features, int batch, AlignedBuffer x, AlignedBuffer y) {
    check(snn_f32_softmax(isa.code(), features, batch, x.address(), y.address()), "softmax");
  }

  @Override
  public String toString() {
    return name();
  }

  private static long addressOf(AlignedBuffer maybeNull) {
    return maybeNull == null ? 0L : maybeNull.address();
  }

  private static void check(int status, String kernel) {
    if (status != STATUS_OK) {
      throw new IllegalStateException(kernel + " failed: " + describe(status));
    }
  }

  private static String describe(int status) {
    switch (status) {
      case STATUS_ISA_UNSUPPORTED:
        return "ISA not supported by this CPU";
      case STATUS_BAD_ACTIVATION:
        return "unknown activation";
      case STATUS_BLAS_UNBOUND:
        return "OpenBLAS is not available"
            + (BLAS_FAILURE == null ? "" : " (" + BLAS_FAILURE + ")");
      default:
        return "native status " + status;
    }
  }

  private static void requireLoaded() {
    if (LOAD_FAILURE != null) {
      throw new IllegalStateException("native library not loaded: " + LOAD_FAILURE, LOAD_FAILURE);
    }
  }

  /**
   * The failure to report: when this platform's native jar is not on the classpath at all, says
   * which artifact provides it, keeping JavaCPP's own error as the cause.
   */
  private static Throwable explainLoadFailure(Throwable failure) {
    String platform = Loader.getPlatform();
    String library = platform + "/" + System.mapLibraryName("jniNativeKernels");
    if (NativeKernels.class.getResource(library) != null) {
      return failure;
    }
    String version = NativeKernels.class.getPackage().getImplementationVersion();
    UnsatisfiedLinkError explained = new UnsatisfiedLinkError("no native library for " + platform
        + " on the classpath (it comes in org.sparsenn:sparsenn:"
        + (version == null ? "<version>" : version) + ":" + platform
        + ", which org.sparsenn:sparsenn-platform pulls in on this platform)");
    explained.initCause(failure);
    return explained;
  }

  /** Off-heap memory from {@code snn_aligned_alloc}, with its byte view and its free action. */
  record Allocation(long address, ByteBuffer view, Runnable free) {}

  /** Allocates 64-byte aligned, zero-filled memory; see {@link AlignedBuffer#allocate}. */
  static Allocation allocate(long byteSize) {
    requireLoaded();
    // Never ask for 0 bytes: a zero-capacity JNI buffer view is not guaranteed.
    long request = Math.max(byteSize, AlignedBuffer.ALIGNMENT);
    Pointer memory = snn_aligned_alloc(request);
    if (memory == null || memory.isNull()) {
      throw new OutOfMemoryError("native allocation of " + byteSize + " bytes failed");
    }
    long address = memory.address();
    ByteBuffer view = new BytePointer(memory).capacity(request).asByteBuffer();
    view.limit((int) byteSize);
    return new Allocation(address, view.slice(), () -> snn_aligned_free(address));
  }

  /** The address of a direct buffer's first element (its position); see AlignedBuffer#wrap. */
  static long addressOf(ByteBuffer direct) {
    requireLoaded();
    BytePointer pointer = new BytePointer(direct);
    return pointer.address() + pointer.position();
  }

  @Override
  public void spmvNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmv_nm(isa.code(), rowBegin, rowEnd, a.cols(), a.window(), a.rowSlots(),
        a.offsets().address(), a.values().address(), x.address(), addressOf(bias), y.address(),
        epilogue.function().code(), epilogue.alpha()), "spmv_nm");
  }

  @Override
  public void spmmNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmm_nm(isa.code(), rowBegin, rowEnd, a.cols(), a.window(), a.rowSlots(),
        a.offsets().address(), a.values().address(), x.address(), batch, addressOf(bias),
        y.address(), epilogue.function().code(), epilogue.alpha()), "spmm_nm");
  }

  @Override
  public void gates(GateCell cell, int hidden, int batch, AlignedBuffer projected,
      long projectedOffset, int projectedStride, AlignedBuffer product, AlignedBuffer h,
      AlignedBuffer c, AlignedBuffer out, long outOffset, int outStride,
      ActivationFunction activation) {
    check(snn_f32_gates(isa.code(), cell.code(), hidden, batch,
        projected.address() + Float.BYTES * projectedOffset, projectedStride, product.address(),
        h.address(), addressOf(c), out == null ? 0L : out.address() + Float.BYTES * outOffset,
        outStride, activation.code()), "gates");
  }

  @Override
  public void spmvSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmv_sell(isa.code(), rowBegin, rowEnd, a.cols(), a.laneRows().address(),
        a.sliceSlots().address(), a.windowSlots().address(), a.offsets().address(),
        a.values().address(), x.address(), addressOf(bias), y.address(),
        epilogue.function().code(), epilogue.alpha()), "spmv_sell");
  }

  @Override
  public void spmmSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    check(snn_f32_spmm_sell(isa.code(), rowBegin, rowEnd, a.cols(), a.laneRows().address(),
        a.sliceSlots().address(), a.windowSlots().address(), a.offsets().address(),
        a.values().address(), x.address(), batch, addressOf(bias), y.address(),
        epilogue.function().code(), epilogue.alpha()), "spmm_sell");
  }

  // --- The binding: one declaration per function of kernels.h. -----------------------------

  @NoException static native String snn_version();

  @NoException static native int snn_isa_supported(int isa);

  @NoException static native int snn_isa_best();

  @NoException static native String snn_isa_name(int isa);

  @NoException static native Pointer snn_aligned_alloc(@Cast("int64_t") long bytes);

  @NoException static native void snn_aligned_free(@Cast("void*") long pointer);

  @NoException static native int snn_f32_spmv_csr(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const int32_t*") long colIdx,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmv_csr16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const uint16_t*") long colIdx,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_csr(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const int32_t*") long colIdx,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_csr16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const uint16_t*") long colIdx,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmv_bsr16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long panelPtr, @Cast("const uint16_t*") long blockCol,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_bsr16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long panelPtr, @Cast("const uint16_t*") long blockCol,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_gemv(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const float*") long w, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_gemm(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const float*") long w, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_gemm_packed(int isa, int rowBegin, int rowEnd,
      int cols, @Cast("const float*") long wp, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_bias_act(int isa, int rowBegin, int rowEnd, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_transpose(int isa, int rows, int cols,
      @Cast("const float*") long src, @Cast("float*") long dst);

  @NoException static native int snn_f32_softmax(int isa, int features, int batch,
      @Cast("const float*") long x, @Cast("float*") long y);

  @NoException static native int snn_blas_bind(@Cast("const void*") Pointer sgemv,
      @Cast("const void*") Pointer sgemm);

  @NoException static native int snn_blas_bound();

  @NoException static native int snn_f32_gemv_blas(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const float*") long w, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_gemm_blas(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const float*") long w, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmv_csc16(int isa, int rowBegin, int rowEnd, int cols,
      int panelRows, @Cast("const int32_t*") long colPtr, @Cast("const uint16_t*") long rowOff,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_csc16(int isa, int rowBegin, int rowEnd, int cols,
      int panelRows, @Cast("const int32_t*") long colPtr, @Cast("const uint16_t*") long rowOff,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmv_csr16_bf16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const uint16_t*") long colIdx,
      @Cast("const snn_bf16*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_csr16_bf16(int isa, int rowBegin, int rowEnd,
      @Cast("const int32_t*") long rowPtr, @Cast("const uint16_t*") long colIdx,
      @Cast("const snn_bf16*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmv_nm(int isa, int rowBegin, int rowEnd, int cols,
      int window, int rowSlots, @Cast("const uint8_t*") long offsets,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_nm(int isa, int rowBegin, int rowEnd, int cols,
      int window, int rowSlots, @Cast("const uint8_t*") long offsets,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_gates(int isa, int cell, int hidden, int batch,
      @Cast("const float*") long projected, @Cast("int64_t") long projectedStride,
      @Cast("const float*") long product, @Cast("float*") long h, @Cast("float*") long c,
      @Cast("float*") long out, @Cast("int64_t") long outStride, int act);

  @NoException static native int snn_f32_spmv_sell(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const int32_t*") long laneRows, @Cast("const int32_t*") long sliceSlots,
      @Cast("const uint8_t*") long windowSlots, @Cast("const uint8_t*") long offsets,
      @Cast("const float*") long values, @Cast("const float*") long x,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);

  @NoException static native int snn_f32_spmm_sell(int isa, int rowBegin, int rowEnd, int cols,
      @Cast("const int32_t*") long laneRows, @Cast("const int32_t*") long sliceSlots,
      @Cast("const uint8_t*") long windowSlots, @Cast("const uint8_t*") long offsets,
      @Cast("const float*") long values, @Cast("const float*") long x, int batch,
      @Cast("const float*") long bias, @Cast("float*") long y, int act, float alpha);
}

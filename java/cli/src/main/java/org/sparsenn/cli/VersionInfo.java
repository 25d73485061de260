package org.sparsenn.cli;

import org.bytedeco.javacpp.Loader;
import org.sparsenn.kernel.Isa;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.NativeKernels;
import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints: version, platform, ISA level, native and BLAS status. */
public final class VersionInfo implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = VersionInfo.class.getPackage().getImplementationVersion();
    Kernels kernels = Kernels.best();
    String platform;
    try {
      platform = Loader.getPlatform();
    } catch (Throwable t) {
      platform = System.getProperty("os.name") + "-" + System.getProperty("os.arch");
    }
    String nativeLine;
    String isaLine;
    if (NativeKernels.isLoaded()) {
      Isa best = NativeKernels.bestIsa();
      nativeLine = "native library: loaded (" + NativeKernels.version() + ")";
      isaLine = "ISA: " + ((NativeKernels) kernels).isa().label() + " (CPU supports up to "
          + best.label() + ")";
    } else {
      nativeLine = "native library: NOT loaded, using pure-Java kernels ("
          + NativeKernels.loadFailure() + ")";
      isaLine = "ISA: none (pure Java)";
    }
    return new String[] {
      "sparsenn " + (version == null ? "(development build)" : version),
      "platform: " + platform + ", Java " + Runtime.version(),
      isaLine,
      nativeLine,
      "OpenBLAS: " + (NativeKernels.isBlasBound() ? "bound" : "unavailable"),
    };
  }
}

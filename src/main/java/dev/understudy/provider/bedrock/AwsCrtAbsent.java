package dev.understudy.provider.bedrock;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;

/**
 * Native image only (a GraalVM substitution; the JVM never loads this class): the AWS SDK's checksum
 * provider without its {@code aws-crt} branches. The signer computes its SHA-256 payload hash through
 * {@code SdkChecksum.forAlgorithm}, whose other branches construct CRT classes (CRC32C, CRC64NVME,
 * XXHASH) from the optional {@code software.amazon.awssdk.crt:aws-crt} jar. That jar is not shipped (24 MB
 * in 0.50.0: native libraries for every platform, for checksums Bedrock signing never uses), so a native
 * build that links every reachable type at build time stops at them. Each replacement does what the
 * original does when the jar is absent, which is what happens on the JVM too: CRC32C falls back to the
 * JDK's, the others fail with the SDK's own message.
 */
@TargetClass(className = "software.amazon.awssdk.checksums.internal.ChecksumProvider")
final class AwsCrtAbsent {

    private AwsCrtAbsent() {
    }

    @Substitute
    static SdkChecksum createCrtCrc32C() {
        return null;
    }

    @Substitute
    static SdkChecksum crc64NvmeCrtImplementation() {
        throw new RuntimeException("Could not load software.amazon.awssdk.crt.checksums.CRC64NVME. Add dependency on "
                + "'software.amazon.awssdk.crt:aws-crt' module to enable CRC64NVME feature.");
    }

    @Substitute
    static SdkChecksum crtXxHash(ChecksumAlgorithm algorithm) {
        throw new RuntimeException("Could not load software.amazon.awssdk.crt.checksums.XXHash for algorithm: "
                + algorithm.algorithmId() + ". Add dependency on 'software.amazon.awssdk.crt:aws-crt' module.");
    }
}

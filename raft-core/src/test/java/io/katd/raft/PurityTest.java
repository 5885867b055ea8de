package io.katd.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocol is a pure function of its inputs: no threads, locks, clocks, ambient
 * randomness or I/O in io.katd.raft and its quorum, tracker and confchange packages.
 * This is what makes scenario tests and deterministic simulation possible. The runtime
 * in io.katd.raft.node is exempt: driving the protocol with threads is its job.
 */
class PurityTest {
    private static final String[] PURE_PACKAGES = {
        "io.katd.raft", "io.katd.raft.quorum", "io.katd.raft.tracker", "io.katd.raft.confchange"
    };

    private static final JavaClasses PURE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.katd.raft")
            .that(JavaClass.Predicates.resideInAnyPackage(PURE_PACKAGES));

    @Test
    void importsThePureClasses() {
        // Guards the rules below against passing vacuously on an empty import.
        assertThat(PURE.contain("io.katd.raft.Raft")).isTrue();
        assertThat(PURE.contain("io.katd.raft.tracker.Progress")).isTrue();
    }

    @Test
    void noThreadsExecutorsOrLocks() {
        check(noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().belongToAnyOf(Thread.class,
                        ThreadGroup.class, ThreadLocal.class, Runnable.class)
                .because("the protocol is driven by one caller thread and owns no threads"));
    }

    @Test
    void noSynchronizedMethods() {
        check(noClasses().should().haveModifier(JavaModifier.SYNCHRONIZED)
                .orShould(haveSynchronizedMethods())
                .because("the protocol takes no locks"));
    }

    @Test
    void noClocks() {
        check(noClasses().should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().dependOnClassesThat().belongToAnyOf(java.time.Clock.class,
                        java.time.Instant.class, java.time.LocalDateTime.class,
                        java.time.ZonedDateTime.class, java.time.OffsetDateTime.class,
                        java.time.LocalDate.class, java.time.LocalTime.class)
                .because("time enters the protocol only as tick()"));
    }

    @Test
    void noAmbientRandomness() {
        check(noClasses().should().dependOnClassesThat().belongToAnyOf(java.util.Random.class,
                        java.security.SecureRandom.class, java.util.SplittableRandom.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().callMethod(StrictMath.class, "random")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .because("randomness is the injected Config.random generator only"));
    }

    @Test
    void noFileOrSocketIo() {
        check(noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("java.io..", "java.nio..", "java.net..")
                .because("storage reads go through the Storage interface, messages through Ready"));
    }

    @Test
    void noSynchronizedBlocksInSource() throws IOException {
        // ArchUnit sees methods, not blocks: scan the sources for the keyword too.
        Path root = Path.of("src/main/java/io/katd/raft");
        assertThat(root).isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(root.resolve("node")))
                    .filter(PurityTest::mentionsSynchronized)
                    .toList();
        }
        assertThat(offenders).as("pure sources using synchronized").isEmpty();
    }

    private static boolean mentionsSynchronized(Path p) {
        try {
            return Files.readString(p).matches("(?s).*\\bsynchronized\\b.*");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static com.tngtech.archunit.lang.ArchCondition<JavaClass> haveSynchronizedMethods() {
        DescribedPredicate<JavaClass> hasSync = DescribedPredicate.describe(
                "have synchronized methods", c -> c.getMethods().stream()
                        .anyMatch(m -> m.getModifiers().contains(JavaModifier.SYNCHRONIZED)));
        return com.tngtech.archunit.lang.conditions.ArchConditions.be(hasSync);
    }

    private static void check(ArchRule rule) {
        rule.check(PURE);
    }
}

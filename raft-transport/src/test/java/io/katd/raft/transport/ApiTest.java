package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module's public surface is small and speaks only JDK, protobuf and raft-core types:
 * no Netty type (ByteBuf above all) appears in it, so none can escape the module.
 */
class ApiTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.katd.raft.transport");

    @Test
    void onlyTheIntendedTypesArePublic() {
        Set<String> pub = MAIN.stream().filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(pub).containsExactly("Builder", "NettyTransport", "NettyTransportConfig",
                "RoundTripListener", "Tls", "TransportStats");
    }

    @Test
    void noNettyTypeAppearsInThePublicSurface() {
        List<String> leaks = new ArrayList<>();
        for (JavaClass c : MAIN) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
            }
            for (JavaCodeUnit u : c.getCodeUnits()) {
                if (!u.getModifiers().contains(JavaModifier.PUBLIC)) {
                    continue;
                }
                List<JavaClass> types = new ArrayList<>(u.getRawParameterTypes());
                types.add(u.getRawReturnType());
                types.addAll(u.getThrowsClause().getTypes());
                for (JavaClass t : types) {
                    if (t.getPackageName().startsWith("io.netty")) {
                        leaks.add(u.getFullName() + " uses " + t.getName());
                    }
                }
            }
            for (JavaField f : c.getFields()) {
                if (f.getModifiers().contains(JavaModifier.PUBLIC)
                        && f.getRawType().getPackageName().startsWith("io.netty")) {
                    leaks.add(f.getFullName());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void theTransportNeverDependsOnRaftStorage() {
        List<String> uses = MAIN.stream().flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(d -> d.getTargetClass().getPackageName())
                .filter(p -> p.startsWith("io.katd.raft.storage")).distinct().toList();
        assertThat(uses).isEmpty();
    }
}

package dev.unsubsync.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.unsubsync.kit.FrameworkFree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture as rules over every module's compiled main classes (ArchUnit): the services never reach into each
 * other, the emulator, the test support or the deploy tooling; what they share is the schemas and service-kit; each
 * service is rooms by feature, not packages by role; a room's rules ({@link FrameworkFree}) import no framework and no
 * Kafka; and no module's packages (rooms) depend on each other in a cycle.
 */
class ArchitectureTest {

    private static final List<String> MODULES = List.of("schemas", "service-kit", "salesforce-client", "unsubscribe-capture", "salesforce-pusher",
            "nightly-reconciler", "analyst-tool", "salesforce-emulator");
    /** What makes a method a test, for JUnit and jqwik. */
    private static final List<String> TEST_ANNOTATIONS = List.of("org.junit.jupiter.api.Test", "org.junit.jupiter.params.ParameterizedTest",
            "org.junit.jupiter.api.RepeatedTest", "net.jqwik.api.Property", "net.jqwik.api.Example");
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        Path root = Path.of(System.getProperty("project.root"));
        ClassFileImporter importer = new ClassFileImporter();
        main = importer.importPaths(MODULES.stream().map(module -> root.resolve(module).resolve("target/classes")).toList());
    }

    @Test
    void servicesNeverImportEachOtherTheEmulatorTestSupportOrTheDeployTooling() {
        List<String> services = List.of("capture", "pusher", "reconciler", "tool", "emulator");
        for (String service : services) {
            String[] others = services.stream().filter(other -> !other.equals(service)).map(other -> "dev.unsubsync." + other + "..").toList()
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.unsubsync." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .orShould().dependOnClassesThat().resideInAnyPackage("dev.unsubsync.testsupport..", "dev.unsubsync.deploy..")
                    .because("services share only the schemas, service-kit and the Salesforce client")
                    .check(main);
        }
    }

    @Test
    void theSharedLibrariesKnowNoService() {
        noClasses().that().resideInAnyPackage("dev.unsubsync.schemas..", "dev.unsubsync.events..", "dev.unsubsync.kit..", "dev.unsubsync.salesforce..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.unsubsync.capture..", "dev.unsubsync.pusher..", "dev.unsubsync.reconciler..",
                        "dev.unsubsync.tool..", "dev.unsubsync.emulator..")
                .check(main);
    }

    @Test
    void aRoomsRulesImportNoFrameworkAndNoKafka() {
        classes().that().areAnnotatedWith(FrameworkFree.class)
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("io.micronaut..", "org.apache.kafka..", "jakarta.inject..", "io.netty..",
                        "io.apicurio..", "io.micrometer..")
                .because("a rule is tested without a framework, a broker or a registry")
                .check(main);
    }

    @Test
    void servicesAreRoomsByFeatureNotPackagesByRole() {
        noClasses().that().resideInAnyPackage("dev.unsubsync.capture..", "dev.unsubsync.pusher..", "dev.unsubsync.reconciler..")
                .should().resideInAnyPackage("..http..", "..kafka..", "..domain..", "..config..", "..salesforce..")
                .because("a feature is read and changed in one room: its controller, its Kafka edge and its rules side by side")
                .check(main);
    }

    @Test
    void everyTestClassIsNamedSoTheBuildRunsIt() {
        // Surefire runs only classes named *Test, *Tests, Test* or *TestCase (and *Bench under -Pbench): the history
        // checker's fast layer, named *Properties, never ran in ./mvnw verify until 2026-12-08.
        Path root = Path.of(System.getProperty("project.root"));
        List<Path> testClasses = new ArrayList<>();
        for (String module : MODULES) {
            testClasses.add(root.resolve(module).resolve("target/test-classes"));
        }
        testClasses.add(root.resolve("deploy/target/test-classes"));
        JavaClasses tests = new ClassFileImporter().importPaths(testClasses.stream().filter(Files::isDirectory).toList());
        DescribedPredicate<JavaClass> holdingTests = DescribedPredicate.describe("hold test methods",
                type -> !type.isNestedClass() && type.getMethods().stream().anyMatch(method -> TEST_ANNOTATIONS.stream().anyMatch(method::isAnnotatedWith)));
        classes().that(holdingTests).should().haveSimpleNameEndingWith("Test").orShould().haveSimpleNameEndingWith("Tests")
                .orShould().haveSimpleNameEndingWith("Bench").orShould().haveSimpleNameStartingWith("Test")
                .because("a test class the build does not run is a rule nobody checks").check(tests);
    }

    @Test
    void noModulesPackagesDependOnEachOtherInACycle() {
        List<String> broken = new ArrayList<>();
        for (String root : List.of("capture", "pusher", "reconciler", "kit", "tool", "emulator", "salesforce")) {
            EvaluationResult result = slices().matching("dev.unsubsync." + root + ".(*)..").should().beFreeOfCycles()
                    .allowEmptyShould(true).evaluate(main);
            if (result.hasViolation()) {
                broken.add(result.getFailureReport().toString());
            }
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }
}

package org.jclone.it.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link ServerFactory} into test, {@code @BeforeEach} and {@code @BeforeAll} methods.
 * After each test it stops (or kills) every server the test created; when the test failed it
 * keeps their logs (see {@link FailedServerLogs}), otherwise it deletes their directories unless
 * {@code -Djclone.it.keepServers=true}. Servers made through a {@code @BeforeAll} factory live
 * until the class is done.
 *
 * <pre>
 * &#64;ExtendWith(MysqlServerExtension.class)
 * class CloneLocalTest {
 *     &#64;Test
 *     void clonesLocally(ServerFactory servers) throws Exception {
 *         MysqlServer donor = servers.mysql8("donor").withPlugin(true)
 *                 .option("plugin-load-add", "mysql_clone.so").start();
 *         ...
 * </pre>
 */
public final class MysqlServerExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MysqlServerExtension.class);
    // Distinct keys: stores are hierarchical, so a method store also sees its class's entries.
    private static final String METHOD_FACTORY = "methodFactory";
    private static final String CLASS_FACTORY = "classFactory";
    private static final String ANY_FAILED = "anyFailed";
    private static final Pattern INVOCATION = Pattern.compile("invocation:#(\\d+)");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ServerFactory.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // A method-level context exists for test and @BeforeEach/@AfterEach methods; otherwise
        // (@BeforeAll, constructor) the servers belong to the class.
        String key = context.getTestMethod().isPresent() ? METHOD_FACTORY : CLASS_FACTORY;
        return context.getStore(NS).getOrComputeIfAbsent(key,
                k -> new ServerFactory(groupOf(context.getRequiredTestClass())), ServerFactory.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        ExtensionContext classContext = context.getParent().orElseThrow();
        ServerFactory own = context.getStore(NS).remove(METHOD_FACTORY, ServerFactory.class);
        List<Throwable> problems = own == null ? List.of() : own.stopAll();
        List<String> jniWarnings = own == null ? List.of() : JniWarnings.of(own.servers());
        failed |= !jniWarnings.isEmpty();
        if (failed) {
            classContext.getStore(NS).put(ANY_FAILED, Boolean.TRUE);
        }

        if (failed) {
            List<MysqlServer> involved = new ArrayList<>();
            ServerFactory shared = classFactory(classContext);
            if (shared != null) {
                involved.addAll(shared.servers());
            }
            if (own != null) {
                involved.addAll(own.servers());
            }
            if (!involved.isEmpty()) {
                FailedServerLogs.retain(involved,
                        FailedServerLogs.directoryFor(groupOf(context.getRequiredTestClass()), testName(context)),
                        System.err);
            }
        } else if (own != null && problems.isEmpty() && !HarnessConfig.keepServers()) {
            own.deleteServerDirs();
        }
        rethrow(problems);
        JniWarnings.fail(jniWarnings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ServerFactory shared = context.getStore(NS).remove(CLASS_FACTORY, ServerFactory.class);
        if (shared == null) {
            return;
        }
        List<Throwable> problems = shared.stopAll();
        List<String> jniWarnings = JniWarnings.of(shared.servers());
        boolean failed = context.getExecutionException().isPresent() || !jniWarnings.isEmpty()
                || Boolean.TRUE.equals(context.getStore(NS).get(ANY_FAILED, Boolean.class));
        if (context.getExecutionException().isPresent() || !jniWarnings.isEmpty()) {
            FailedServerLogs.retain(shared.servers(),
                    FailedServerLogs.directoryFor(shared.group(), "afterAll"), System.err);
        }
        if (!failed && problems.isEmpty() && !HarnessConfig.keepServers()) {
            shared.deleteServerDirs();
        }
        rethrow(problems);
        JniWarnings.fail(jniWarnings);
    }

    private static ServerFactory classFactory(ExtensionContext classContext) {
        return classContext.getStore(NS).get(CLASS_FACTORY, ServerFactory.class);
    }

    /** Test class name without its package; nested classes keep their outer name. */
    static String groupOf(Class<?> testClass) {
        String name = testClass.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String testName(ExtensionContext context) {
        String name = context.getRequiredTestMethod().getName();
        Matcher m = INVOCATION.matcher(context.getUniqueId());
        return m.find() ? name + "-" + m.group(1) : name;
    }

    private static void rethrow(List<Throwable> problems) {
        if (problems.isEmpty()) {
            return;
        }
        IllegalStateException e = new IllegalStateException("stopping servers failed");
        problems.forEach(e::addSuppressed);
        throw e;
    }
}

import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local bound to 127.0.0.1 (SPEC §5). DynamoDB Local has no host option: its Jetty server
 * listens on every interface. This builds the server from the usual command-line options, then
 * sets each connector's host to the loopback address before it starts listening. It also exits
 * when its standard input closes, so that it never outlives the local stack that started it, even
 * one killed with SIGKILL.
 */
public final class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // The stack writes nothing; this only waits for the pipe to close.
        }
      } catch (java.io.IOException closed) {
        // A broken pipe means the same: the stack is gone.
      }
      System.exit(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
  }
}

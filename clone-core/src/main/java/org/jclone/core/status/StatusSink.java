package org.jclone.core.status;

/** Where the status rows go to be read: performance_schema in the server, a list in tests. */
public interface StatusSink {
    void publish(CloneStatus status);

    void publish(CloneProgress progress);

    StatusSink NONE = new StatusSink() {
        @Override
        public void publish(CloneStatus status) {}

        @Override
        public void publish(CloneProgress progress) {}
    };
}

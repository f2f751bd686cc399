package org.jclone.core.remote.client;

import java.nio.ByteBuffer;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.DataMover;
import org.jclone.core.remote.CloneLink;
import org.jclone.core.remote.protocol.Command;
import org.jclone.core.remote.protocol.DonorMessage;
import org.jclone.core.remote.protocol.EngineLocator;
import org.jclone.core.remote.protocol.ProtocolException;
import org.jclone.core.remote.protocol.WireFormat;

/**
 * One recipient task's connection to the donor: sends a command, reads the donor's answers
 * until COMPLETE or ERROR, and applies each data descriptor through InnoDB, which pulls the
 * DATA that follows through this task's apply callbacks. The master's task also answers
 * InnoDB's acknowledgement requests (on the clone's auxiliary connection).
 */
final class ClientTask implements CloneCallbacks, AutoCloseable {
    /** After a local error, how long to wait for the donor's COMPLETE or ERROR. */
    private static final long WAIT_FOR_DONOR_NANOS = 30_000_000_000L;

    private final RemoteClone clone;
    private final CloneLink link;
    final long thd;
    final boolean master;
    private final DataMover mover;

    long connection;
    /** This task's InnoDB apply task, once its apply begin succeeded. */
    int applyTask;
    boolean storageActive;

    ClientTask(RemoteClone clone, CloneLink link, long thd, boolean master, int bufferSize) {
        this.clone = clone;
        this.link = link;
        this.thd = thd;
        this.master = master;
        this.mover = new DataMover(bufferSize);
    }

    /** Sends a command on this task's connection and handles every answer; 0 or the first error. */
    int command(Command command, ByteBuffer payload, int timeoutSeconds) {
        int rc = link.sendCommand(thd, connection, true, command.code(), payload);
        if (rc != 0) {
            return clone.recordPending(thd, rc, "sending " + command);
        }
        return receive(connection, true, command, timeoutSeconds);
    }

    /**
     * Reads answers until COMPLETE or ERROR. After a local error it keeps reading (skipping
     * data) until the donor ends the command, at most 30 s, as MySQL's recipient does.
     */
    int receive(long from, boolean active, Command command, int timeoutSeconds) {
        int saved = 0;
        long failedAt = 0;
        while (true) {
            CloneLink.Packet packet = link.getResponse(thd, from, active, timeoutSeconds);
            if (packet.error() != 0) {
                return saved != 0 ? saved : clone.recordPending(thd, packet.error(), "reading the donor's answer");
            }
            clone.network(packet.networkBytes());
            boolean last = false;
            int rc;
            try {
                DonorMessage message = WireFormat.decodeResponse(packet.packet());
                last = message instanceof DonorMessage.Complete || message instanceof DonorMessage.Error;
                rc = handle(message, command, saved);
            } catch (ProtocolException e) {
                rc = clone.recordRaised(thd, MysqlError.ER_CLONE_PROTOCOL.code(),
                        MysqlError.ER_CLONE_PROTOCOL.message(e.getMessage()));
            } catch (Throwable t) {
                rc = clone.record(thd, t);
            }
            if (rc != 0 && saved == 0) {
                saved = rc;
                failedAt = System.nanoTime();
                clone.tellStorage(this, rc);
                if (RemoteClone.isNetworkError(rc, true)) {
                    return saved;
                }
            } else if (rc != 0) {
                return saved;
            } else if (saved != 0 && System.nanoTime() - failedAt > WAIT_FOR_DONOR_NANOS) {
                return clone.recordRaised(thd, MysqlError.ER_NET_PACKETS_OUT_OF_ORDER.code(),
                        MysqlError.ER_NET_PACKETS_OUT_OF_ORDER.message());
            }
            if (last) {
                return saved;
            }
        }
    }

    private int handle(DonorMessage message, Command command, int saved) throws CloneException {
        if (message instanceof DonorMessage.Locators locators) {
            return command == Command.REINIT || saved != 0 ? 0 : clone.locatorsArrived(this, locators);
        }
        if (message instanceof DonorMessage.Descriptor descriptor) {
            return saved != 0 ? 0 : apply(descriptor);
        }
        if (message instanceof DonorMessage.Data) {
            if (saved != 0) {
                return 0;
            }
            throw MysqlError.ER_CLONE_PROTOCOL.exception("Wrong Clone RPC response");
        }
        if (message instanceof DonorMessage.Error error) {
            return clone.donorError(thd, error);
        }
        if (message instanceof DonorMessage.Complete) {
            return 0;
        }
        clone.parameter(message);
        return 0;
    }

    private int apply(DonorMessage.Descriptor descriptor) throws CloneException {
        if (descriptor.engineType() != EngineLocator.INNODB
                || descriptor.locatorIndex() != 0) {
            throw MysqlError.ER_CLONE_PROTOCOL.exception("Remote descriptor handlerton type mismatch");
        }
        int rc = clone.apply(this, descriptor.descriptor());
        if (rc != 0 && master && rc != MysqlError.ER_CLONE_DONOR.code()) {
            // The donor learns of a local apply failure on the auxiliary connection.
            clone.sendAck(rc, null);
        }
        return rc;
    }

    // ---- InnoDB's callbacks during an apply ------------------------------------------

    @Override
    public int onFileData(long callback, int fd, long offset, int length, int flags) {
        return clone.recordRaised(thd, 1235, "This version of MySQL doesn't yet support 'Remote Clone Client'");
    }

    @Override
    public int onBufferData(long callback, ByteBuffer data, boolean stateChange, long estimate) {
        try {
            if (stateChange) {
                clone.stageChanged(estimate);
                return 0;
            }
            int stop = clone.stopCode(this);
            if (stop != 0) {
                return stop;
            }
            return clone.sendAck(0, link.callbackDescriptor(callback));
        } catch (Throwable t) {
            return clone.record(thd, t);
        }
    }

    @Override
    public long onApplyFile(long callback, int fd, long offset, int flags) {
        try {
            ByteBuffer data = nextData();
            int length = data.remaining();
            mover.bufferToFile(data, fd, offset, flags);
            int stop = clone.moved(this, length);
            return stop != 0 ? -stop : length;
        } catch (Throwable t) {
            return -clone.record(thd, t);
        }
    }

    @Override
    public ByteBuffer onApplyBuffer(long callback) {
        try {
            ByteBuffer data = mover.toAlignedBuffer(nextData());
            return clone.moved(this, data.remaining()) != 0 ? null : data;
        } catch (Throwable t) {
            clone.record(thd, t);
            return null;
        }
    }

    /** The DATA that must follow a data descriptor. */
    private ByteBuffer nextData() throws CloneException {
        CloneLink.Packet packet = link.getResponse(thd, connection, true, 0);
        if (packet.error() != 0) {
            throw clone.pendingException(thd, packet.error(), "reading clone data");
        }
        clone.network(packet.networkBytes());
        DonorMessage message;
        try {
            message = WireFormat.decodeResponse(packet.packet());
        } catch (ProtocolException e) {
            throw MysqlError.ER_CLONE_PROTOCOL.exception(e.getMessage());
        }
        if (!(message instanceof DonorMessage.Data data)) {
            throw MysqlError.ER_CLONE_PROTOCOL.exception(
                    "Wrong Clone RPC response, expecting data packet COM_RES_DATA");
        }
        return data.data();
    }

    @Override
    public void close() {
        mover.close();
    }
}

package org.jclone.core.remote.protocol;

import java.nio.ByteBuffer;
import java.util.List;

/** One decoded donor response. Buffers are views of the packet: valid until the next read. */
public sealed interface DonorMessage {
    Response type();

    /** LOCS: the negotiated version and the donor's locators, one per engine. */
    record Locators(int version, List<EngineLocator> locators) implements DonorMessage {
        public Locators {
            locators = List.copyOf(locators);
        }

        @Override
        public Response type() {
            return Response.LOCS;
        }
    }

    /** DATA_DESC: InnoDB's descriptor for the locator at {@code locatorIndex}. */
    record Descriptor(int engineType, int locatorIndex, ByteBuffer descriptor) implements DonorMessage {
        @Override
        public Response type() {
            return Response.DATA_DESC;
        }
    }

    /** DATA: the bytes the preceding descriptor announced. */
    record Data(ByteBuffer data) implements DonorMessage {
        @Override
        public Response type() {
            return Response.DATA;
        }
    }

    /** PLUGIN (V1: name only) and PLUGIN_V2 (name and shared object; empty for a built-in). */
    record Plugin(String name, String sharedObject, boolean v2) implements DonorMessage {
        @Override
        public Response type() {
            return v2 ? Response.PLUGIN_V2 : Response.PLUGIN;
        }
    }

    /** CONFIG (to validate) and CONFIG_V3 (for the recipient's own use). */
    record Config(String key, String value, boolean v3) implements DonorMessage {
        @Override
        public Response type() {
            return v3 ? Response.CONFIG_V3 : Response.CONFIG;
        }
    }

    record Collation(String name) implements DonorMessage {
        @Override
        public Response type() {
            return Response.COLLATION;
        }
    }

    record Complete() implements DonorMessage {
        @Override
        public Response type() {
            return Response.COMPLETE;
        }
    }

    /** ERROR: the donor's MySQL error number and message. */
    record Error(int code, String message) implements DonorMessage {
        @Override
        public Response type() {
            return Response.ERROR;
        }
    }
}

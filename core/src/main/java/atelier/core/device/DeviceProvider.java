package atelier.core.device;

import java.util.List;

/**
 * A kind of device that is not always present, found with {@link java.util.ServiceLoader}: a module that brings
 * one (the {@code tornado} module under {@code mvn -Ptornado}) lists its implementation in
 * {@code META-INF/services/atelier.core.device.DeviceProvider}, so the default build needs none of its classes.
 */
public interface DeviceProvider {

    /** The name {@code --device} selects it by, e.g. "tornado" for {@code --device tornado:1}. */
    String kind();

    /**
     * One line per device, in the order {@code kind:N} numbers them. Throws {@link IllegalStateException} with a
     * one-line reason where the runtime behind this provider cannot be used (e.g. no driver installed).
     */
    List<String> devices();

    /** Opens device {@code index} of {@link #devices()}; throws IllegalArgumentException where there is none. */
    Device open(int index);
}

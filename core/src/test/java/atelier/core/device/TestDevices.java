package atelier.core.device;

import atelier.core.Tensor;

/**
 * The device the device-parameterized tests run on besides the CPU: the {@code --device} value in the system
 * property {@code atelier.test.device} ({@code cpu} when unset, as in CI), or {@code separate} for a
 * {@link SeparateMemoryDevice}. Under {@code mvn -Ptornado} the tornado module runs core's kernel tests again with
 * {@code atelier.test.device=tornado}, unchanged.
 */
public final class TestDevices {
    /** The {@code --device} value of the device under test. */
    public static final String SPEC = System.getProperty("atelier.test.device", "cpu");

    private TestDevices() {
    }

    /** True when the device under test is the CPU device, which the thread-count checks already cover. */
    public static boolean isCpu() {
        return SPEC.equals("cpu");
    }

    /** Opens the device under test; a device that cannot be opened fails the test with its one-line reason. */
    public static Device open() {
        if (SPEC.equals("separate")) {
            return new SeparateMemoryDevice(2);
        }
        return Devices.open(SPEC, 2, notice -> {
            throw new IllegalStateException("atelier.test.device=" + SPEC + " cannot be used: " + notice);
        });
    }

    /** Makes the host copy of {@code data} (a tensor's storage array) current on {@code device} and returns it. */
    public static float[] read(Device device, float[] data) {
        device.toHost(Tensor.of(data, data.length));
        return data;
    }
}

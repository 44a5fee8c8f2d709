package atelier.tornado;

import atelier.core.device.Device;
import atelier.core.device.DeviceProvider;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --device tornado[:N]}: the devices of every TornadoVM backend (OpenCL, CUDA, Metal), numbered in one
 * list in backend order. Registered in META-INF/services, so the CLI finds it only in a {@code -Ptornado} build.
 */
public final class TornadoDeviceProvider implements DeviceProvider {

    /** One TornadoVM device with the line {@code atelier devices} prints for it. */
    private record Listed(TornadoDevice device, String line) {
    }

    @Override
    public String kind() {
        return "tornado";
    }

    @Override
    public List<String> devices() {
        return listed().stream().map(Listed::line).toList();
    }

    @Override
    public Device open(int index) {
        List<Listed> listed = listed();
        if (index < 0 || index >= listed.size()) {
            throw new IllegalArgumentException("--device tornado:" + index + ": TornadoVM lists " + listed.size()
                    + " device(s), numbered from 0 (see atelier devices)");
        }
        return new TornadoVmDevice(listed.get(index).device(), listed.get(index).line());
    }

    /** Every device of every backend; a runtime that cannot start (no driver, not run through the SDK) says why. */
    private static List<Listed> listed() {
        try {
            List<Listed> listed = new ArrayList<>();
            for (TornadoBackend backend : TornadoExecutionPlan.getTornadoDeviceMap().getAllBackends()) {
                for (TornadoDevice device : backend.getAllDevices()) {
                    listed.add(new Listed(device, backend.getName() + ": " + device.getPhysicalDevice().getDeviceName()
                            + " (" + device.getDeviceType() + ")"));
                }
            }
            return listed;
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("the TornadoVM runtime did not start (" + rootCause(e) + "); run atelier "
                    + "through the TornadoVM SDK's java with its flags (see README, Running on a GPU)", e);
        }
    }

    /**
     * The innermost cause of a failure, on one line: an ExceptionInInitializerError from TornadoVM's static runtime
     * setup says nothing by itself, the message that explains it (e.g. "Tornado Runtime Implementation class not
     * specified") is on its deepest cause.
     */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String text = message == null || message.isBlank() ? root.getClass().getName()
                : root.getClass().getSimpleName() + ": " + message;
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}

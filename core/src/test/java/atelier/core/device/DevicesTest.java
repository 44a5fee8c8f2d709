package atelier.core.device;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesTest {
    /** A provider listing {@code devices}, or failing with {@code failure} when it is not null. */
    private record FakeProvider(String kind, List<String> listed, String failure, List<Integer> opened)
            implements DeviceProvider {
        @Override
        public List<String> devices() {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return listed;
        }

        @Override
        public Device open(int index) {
            opened.add(index);
            return new CpuDevice(1);
        }
    }

    private static FakeProvider gpu(String... listed) {
        return new FakeProvider("tornado", List.of(listed), null, new ArrayList<>());
    }

    @Test
    void cpuTakesTheThreadCount() {
        try (Device d = Devices.open("cpu", 3, n -> { }, List.of(gpu("gpu 0")))) {
            assertEquals("cpu (3 threads)", d.name());
        }
    }

    @Test
    void kindAndIndexOpenThatDeviceOfTheProvider() {
        FakeProvider p = gpu("gpu 0", "gpu 1");
        Devices.open("tornado:1", null, n -> { }, List.of(p)).close();
        Devices.open("tornado", null, n -> { }, List.of(p)).close();
        assertEquals(List.of(1, 0), p.opened());
    }

    @Test
    void autoTakesTheFirstListedDeviceSilently() {
        FakeProvider p = gpu("gpu 0");
        List<String> notices = new ArrayList<>();
        Devices.open("auto", null, notices::add, List.of(p)).close();
        assertEquals(List.of(0), p.opened());
        assertTrue(notices.isEmpty(), notices.toString());
    }

    @Test
    void autoFallsBackToTheCpuWithOneLineSayingWhy() {
        List<String> notices = new ArrayList<>();
        try (Device d = Devices.open("auto", 2, notices::add, List.of())) {
            assertInstanceOf(CpuDevice.class, d);
        }
        assertEquals(List.of("--device auto: no GPU runtime in this build; running on cpu (2 threads)"), notices);

        notices.clear();
        FakeProvider broken = new FakeProvider("tornado", List.of(), "no OpenCL driver", new ArrayList<>());
        Devices.open("auto", 1, notices::add, List.of(broken)).close();
        assertEquals(List.of("--device auto: tornado: no OpenCL driver; running on cpu (1 thread)"), notices);

        notices.clear();
        Devices.open("auto", 1, notices::add, List.of(gpu())).close();
        assertEquals(List.of("--device auto: tornado lists no device; running on cpu (1 thread)"), notices);
    }

    @Test
    void badValuesAreRefusedWithOneLineNamingTheFlag() {
        assertMessage("--device tornado: TornadoVM is not in this build (build with mvn -Ptornado package, run with "
                + "the TornadoVM SDK)", "tornado", List.of());
        assertMessage("--device gpu: unknown device; expected cpu, auto or tornado[:N]", "gpu", List.of(gpu("a")));
        assertMessage("--device tornado:2: tornado lists 2 device(s), numbered from 0 (see atelier devices)",
                "tornado:2", List.of(gpu("a", "b")));
        assertMessage("--device tornado:x: the device number after ':' must be 0 or more", "tornado:x",
                List.of(gpu("a")));
        assertMessage("--device tornado: no OpenCL driver", "tornado",
                List.of(new FakeProvider("tornado", List.of(), "no OpenCL driver", new ArrayList<>())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Devices.open("cpu", 0, n -> { }, List.of()));
        assertEquals("--threads must be >= 1, got 0", e.getMessage());
    }

    private static void assertMessage(String expected, String spec, List<DeviceProvider> providers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Devices.open(spec, null, n -> { }, providers));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void theDefaultBuildHasNoProviders() {
        assertSame(0, Devices.providers().size());
    }
}

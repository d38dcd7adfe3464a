package org.quant4j.onnxruntime.calibrate;

import org.quant4j.api.calibration.ModelCalibratorProvider;
import org.quant4j.api.calibration.ModelCalibratorProviderContract;
import org.quant4j.api.calibration.ModelSource;
import org.quant4j.onnx.builder.GraphBuilder;

/** quant-api's contract for model calibrators, run against the onnxruntime one. */
class OnnxRuntimeModelCalibratorProviderContractTest extends ModelCalibratorProviderContract {

    @Override
    protected ModelCalibratorProvider provider() {
        return new OnnxRuntimeModelCalibratorProvider();
    }

    /** input [N, 1, 2] -> Relu -> out. */
    @Override
    protected ModelSource model() {
        GraphBuilder b = GraphBuilder.create("relu");
        b.output(b.relu(b.input("input", -1, 1, 2)), "out");
        return ModelSource.bytes("relu", b.graph().toModel().toBytes());
    }

    @Override
    protected String inputName() {
        return "input";
    }
}

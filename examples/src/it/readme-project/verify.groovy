// The program ran to its end and printed the numbers the reference ResNet-style model is known to reach:
// FP32 top-1 92.87% on the 10,000 test images (its model card, checked by ReferenceModelsTest on ONNX Runtime),
// and a static INT8 model within 1 point of it.
def log = new File(basedir, 'build.log').text
def fp32 = (log =~ /FP32 top-1 ([0-9.]+)%, static INT8 top-1 ([0-9.]+)%/)
assert fp32.find() : "the program did not print its accuracy line:\n" + log
assert fp32.group(1) == '92.87'
assert Math.abs(Double.parseDouble(fp32.group(2)) - 92.87) < 1.0
assert new File(basedir, 'quant4j-example/report.html').isFile()
assert new File(basedir, 'quant4j-example/model-int8.onnx').isFile()
assert !log.contains('No SLF4J providers were found')
// quant4j came from the repository this build staged (the BOM too), not from an older install.
assert new File(localRepositoryPath, 'org/quant4j/quant-bom/0.1.0-SNAPSHOT/quant-bom-0.1.0-SNAPSHOT.pom').isFile()
return true

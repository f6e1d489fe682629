from tools.samplegen import main

main()

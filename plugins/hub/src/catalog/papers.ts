/**
 * Well-known machine-learning papers for the offline catalog: what `paper_search`
 * and `paper_details` answer when the Hub cannot be asked. Hand-curated; `authors`
 * lists the leading authors and `etAl` marks a longer list. `aka` holds the names
 * people search for (the model or method a paper introduced).
 */
export interface CuratedPaper {
  /** arXiv id. */
  id: string;
  title: string;
  authors: string[];
  etAl?: boolean;
  year: number;
  aka?: string[];
}

// biome-ignore format: one paper per line reads as a table
export const CURATED_PAPERS: readonly CuratedPaper[] = [
  { id: '1301.3781', title: 'Efficient Estimation of Word Representations in Vector Space', authors: ['Tomas Mikolov', 'Kai Chen', 'Greg Corrado', 'Jeffrey Dean'], year: 2013, aka: ['word2vec'] },
  { id: '1312.6114', title: 'Auto-Encoding Variational Bayes', authors: ['Diederik P. Kingma', 'Max Welling'], year: 2013, aka: ['VAE', 'variational autoencoder'] },
  { id: '1406.2661', title: 'Generative Adversarial Networks', authors: ['Ian J. Goodfellow', 'Jean Pouget-Abadie', 'Mehdi Mirza', 'Bing Xu', 'David Warde-Farley', 'Sherjil Ozair', 'Aaron Courville', 'Yoshua Bengio'], year: 2014, aka: ['GAN'] },
  { id: '1409.0473', title: 'Neural Machine Translation by Jointly Learning to Align and Translate', authors: ['Dzmitry Bahdanau', 'Kyunghyun Cho', 'Yoshua Bengio'], year: 2014, aka: ['attention'] },
  { id: '1412.6980', title: 'Adam: A Method for Stochastic Optimization', authors: ['Diederik P. Kingma', 'Jimmy Ba'], year: 2014, aka: ['Adam optimizer'] },
  { id: '1502.03167', title: 'Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift', authors: ['Sergey Ioffe', 'Christian Szegedy'], year: 2015, aka: ['BatchNorm'] },
  { id: '1503.02531', title: 'Distilling the Knowledge in a Neural Network', authors: ['Geoffrey Hinton', 'Oriol Vinyals', 'Jeff Dean'], year: 2015, aka: ['knowledge distillation'] },
  { id: '1505.04597', title: 'U-Net: Convolutional Networks for Biomedical Image Segmentation', authors: ['Olaf Ronneberger', 'Philipp Fischer', 'Thomas Brox'], year: 2015, aka: ['U-Net'] },
  { id: '1506.02640', title: 'You Only Look Once: Unified, Real-Time Object Detection', authors: ['Joseph Redmon', 'Santosh Divvala', 'Ross Girshick', 'Ali Farhadi'], year: 2015, aka: ['YOLO'] },
  { id: '1512.03385', title: 'Deep Residual Learning for Image Recognition', authors: ['Kaiming He', 'Xiangyu Zhang', 'Shaoqing Ren', 'Jian Sun'], year: 2015, aka: ['ResNet'] },
  { id: '1607.06450', title: 'Layer Normalization', authors: ['Jimmy Lei Ba', 'Jamie Ryan Kiros', 'Geoffrey E. Hinton'], year: 2016, aka: ['LayerNorm'] },
  { id: '1706.03762', title: 'Attention Is All You Need', authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar', 'Jakob Uszkoreit', 'Llion Jones', 'Aidan N. Gomez', 'Lukasz Kaiser', 'Illia Polosukhin'], year: 2017, aka: ['Transformer'] },
  { id: '1707.06347', title: 'Proximal Policy Optimization Algorithms', authors: ['John Schulman', 'Filip Wolski', 'Prafulla Dhariwal', 'Alec Radford', 'Oleg Klimov'], year: 2017, aka: ['PPO'] },
  { id: '1802.05365', title: 'Deep contextualized word representations', authors: ['Matthew E. Peters', 'Mark Neumann', 'Mohit Iyyer', 'Matt Gardner', 'Christopher Clark', 'Kenton Lee', 'Luke Zettlemoyer'], year: 2018, aka: ['ELMo'] },
  { id: '1810.04805', title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', authors: ['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova'], year: 2018, aka: ['BERT'] },
  { id: '1907.11692', title: 'RoBERTa: A Robustly Optimized BERT Pretraining Approach', authors: ['Yinhan Liu', 'Myle Ott', 'Naman Goyal', 'Jingfei Du', 'Mandar Joshi', 'Danqi Chen', 'Omer Levy', 'Mike Lewis', 'Luke Zettlemoyer', 'Veselin Stoyanov'], year: 2019, aka: ['RoBERTa'] },
  { id: '1908.10084', title: 'Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks', authors: ['Nils Reimers', 'Iryna Gurevych'], year: 2019, aka: ['SBERT', 'sentence-transformers'] },
  { id: '1910.01108', title: 'DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter', authors: ['Victor Sanh', 'Lysandre Debut', 'Julien Chaumond', 'Thomas Wolf'], year: 2019, aka: ['DistilBERT'] },
  { id: '1910.03771', title: "HuggingFace's Transformers: State-of-the-art Natural Language Processing", authors: ['Thomas Wolf', 'Lysandre Debut', 'Victor Sanh', 'Julien Chaumond'], etAl: true, year: 2019, aka: ['transformers library'] },
  { id: '1910.10683', title: 'Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer', authors: ['Colin Raffel', 'Noam Shazeer', 'Adam Roberts', 'Katherine Lee', 'Sharan Narang', 'Michael Matena', 'Yanqi Zhou', 'Wei Li', 'Peter J. Liu'], year: 2019, aka: ['T5'] },
  { id: '2001.08361', title: 'Scaling Laws for Neural Language Models', authors: ['Jared Kaplan', 'Sam McCandlish', 'Tom Henighan', 'Tom B. Brown', 'Benjamin Chess', 'Rewon Child', 'Scott Gray', 'Alec Radford', 'Jeffrey Wu', 'Dario Amodei'], year: 2020, aka: ['scaling laws'] },
  { id: '2005.11401', title: 'Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks', authors: ['Patrick Lewis', 'Ethan Perez', 'Aleksandra Piktus', 'Fabio Petroni', 'Vladimir Karpukhin', 'Naman Goyal'], etAl: true, year: 2020, aka: ['RAG'] },
  { id: '2005.12872', title: 'End-to-End Object Detection with Transformers', authors: ['Nicolas Carion', 'Francisco Massa', 'Gabriel Synnaeve', 'Nicolas Usunier', 'Alexander Kirillov', 'Sergey Zagoruyko'], year: 2020, aka: ['DETR'] },
  { id: '2005.14165', title: 'Language Models are Few-Shot Learners', authors: ['Tom B. Brown', 'Benjamin Mann', 'Nick Ryder', 'Melanie Subbiah', 'Jared Kaplan', 'Prafulla Dhariwal'], etAl: true, year: 2020, aka: ['GPT-3'] },
  { id: '2006.11239', title: 'Denoising Diffusion Probabilistic Models', authors: ['Jonathan Ho', 'Ajay Jain', 'Pieter Abbeel'], year: 2020, aka: ['DDPM', 'diffusion'] },
  { id: '2006.11477', title: 'wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations', authors: ['Alexei Baevski', 'Henry Zhou', 'Abdelrahman Mohamed', 'Michael Auli'], year: 2020, aka: ['wav2vec2'] },
  { id: '2009.03300', title: 'Measuring Massive Multitask Language Understanding', authors: ['Dan Hendrycks', 'Collin Burns', 'Steven Basart', 'Andy Zou', 'Mantas Mazeika', 'Dawn Song', 'Jacob Steinhardt'], year: 2020, aka: ['MMLU'] },
  { id: '2010.02502', title: 'Denoising Diffusion Implicit Models', authors: ['Jiaming Song', 'Chenlin Meng', 'Stefano Ermon'], year: 2020, aka: ['DDIM'] },
  { id: '2010.11929', title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale', authors: ['Alexey Dosovitskiy', 'Lucas Beyer', 'Alexander Kolesnikov', 'Dirk Weissenborn', 'Xiaohua Zhai', 'Thomas Unterthiner'], etAl: true, year: 2020, aka: ['ViT', 'Vision Transformer'] },
  { id: '2011.13456', title: 'Score-Based Generative Modeling through Stochastic Differential Equations', authors: ['Yang Song', 'Jascha Sohl-Dickstein', 'Diederik P. Kingma', 'Abhishek Kumar', 'Stefano Ermon', 'Ben Poole'], year: 2020, aka: ['score SDE'] },
  { id: '2101.03961', title: 'Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity', authors: ['William Fedus', 'Barret Zoph', 'Noam Shazeer'], year: 2021, aka: ['Switch Transformer', 'mixture of experts'] },
  { id: '2103.00020', title: 'Learning Transferable Visual Models From Natural Language Supervision', authors: ['Alec Radford', 'Jong Wook Kim', 'Chris Hallacy', 'Aditya Ramesh', 'Gabriel Goh', 'Sandhini Agarwal'], etAl: true, year: 2021, aka: ['CLIP'] },
  { id: '2103.14030', title: 'Swin Transformer: Hierarchical Vision Transformer using Shifted Windows', authors: ['Ze Liu', 'Yutong Lin', 'Yue Cao', 'Han Hu', 'Yixuan Wei', 'Zheng Zhang', 'Stephen Lin', 'Baining Guo'], year: 2021, aka: ['Swin'] },
  { id: '2104.09864', title: 'RoFormer: Enhanced Transformer with Rotary Position Embedding', authors: ['Jianlin Su', 'Yu Lu', 'Shengfeng Pan', 'Ahmed Murtadha', 'Bo Wen', 'Yunfeng Liu'], year: 2021, aka: ['RoPE', 'rotary embeddings'] },
  { id: '2106.09685', title: 'LoRA: Low-Rank Adaptation of Large Language Models', authors: ['Edward J. Hu', 'Yelong Shen', 'Phillip Wallis', 'Zeyuan Allen-Zhu', 'Yuanzhi Li', 'Shean Wang', 'Lu Wang', 'Weizhu Chen'], year: 2021, aka: ['LoRA', 'fine-tuning'] },
  { id: '2107.03374', title: 'Evaluating Large Language Models Trained on Code', authors: ['Mark Chen', 'Jerry Tworek', 'Heewoo Jun', 'Qiming Yuan'], etAl: true, year: 2021, aka: ['Codex', 'HumanEval'] },
  { id: '2112.10752', title: 'High-Resolution Image Synthesis with Latent Diffusion Models', authors: ['Robin Rombach', 'Andreas Blattmann', 'Dominik Lorenz', 'Patrick Esser', 'Björn Ommer'], year: 2021, aka: ['Stable Diffusion', 'latent diffusion'] },
  { id: '2201.11903', title: 'Chain-of-Thought Prompting Elicits Reasoning in Large Language Models', authors: ['Jason Wei', 'Xuezhi Wang', 'Dale Schuurmans', 'Maarten Bosma', 'Brian Ichter', 'Fei Xia', 'Ed Chi', 'Quoc Le', 'Denny Zhou'], year: 2022, aka: ['chain of thought'] },
  { id: '2203.02155', title: 'Training language models to follow instructions with human feedback', authors: ['Long Ouyang', 'Jeff Wu', 'Xu Jiang', 'Diogo Almeida', 'Carroll L. Wainwright', 'Pamela Mishkin'], etAl: true, year: 2022, aka: ['InstructGPT', 'RLHF'] },
  { id: '2203.15556', title: 'Training Compute-Optimal Large Language Models', authors: ['Jordan Hoffmann', 'Sebastian Borgeaud', 'Arthur Mensch', 'Elena Buchatskaya'], etAl: true, year: 2022, aka: ['Chinchilla'] },
  { id: '2204.06125', title: 'Hierarchical Text-Conditional Image Generation with CLIP Latents', authors: ['Aditya Ramesh', 'Prafulla Dhariwal', 'Alex Nichol', 'Casey Chu', 'Mark Chen'], year: 2022, aka: ['DALL-E 2', 'unCLIP'] },
  { id: '2205.14135', title: 'FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness', authors: ['Tri Dao', 'Daniel Y. Fu', 'Stefano Ermon', 'Atri Rudra', 'Christopher Ré'], year: 2022, aka: ['FlashAttention'] },
  { id: '2208.07339', title: 'LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale', authors: ['Tim Dettmers', 'Mike Lewis', 'Younes Belkada', 'Luke Zettlemoyer'], year: 2022, aka: ['bitsandbytes', 'int8 quantization'] },
  { id: '2210.03629', title: 'ReAct: Synergizing Reasoning and Acting in Language Models', authors: ['Shunyu Yao', 'Jeffrey Zhao', 'Dian Yu', 'Nan Du', 'Izhak Shafran', 'Karthik Narasimhan', 'Yuan Cao'], year: 2022, aka: ['ReAct', 'agents'] },
  { id: '2210.11416', title: 'Scaling Instruction-Finetuned Language Models', authors: ['Hyung Won Chung', 'Le Hou', 'Shayne Longpre', 'Barret Zoph'], etAl: true, year: 2022, aka: ['Flan-T5', 'FLAN'] },
  { id: '2210.17323', title: 'GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers', authors: ['Elias Frantar', 'Saleh Ashkboos', 'Torsten Hoefler', 'Dan Alistarh'], year: 2022, aka: ['GPTQ', 'quantization'] },
  { id: '2211.05100', title: 'BLOOM: A 176B-Parameter Open-Access Multilingual Language Model', authors: ['BigScience Workshop'], year: 2022, aka: ['BLOOM'] },
  { id: '2212.04356', title: 'Robust Speech Recognition via Large-Scale Weak Supervision', authors: ['Alec Radford', 'Jong Wook Kim', 'Tao Xu', 'Greg Brockman', 'Christine McLeavey', 'Ilya Sutskever'], year: 2022, aka: ['Whisper', 'speech recognition'] },
  { id: '2212.09748', title: 'Scalable Diffusion Models with Transformers', authors: ['William Peebles', 'Saining Xie'], year: 2022, aka: ['DiT'] },
  { id: '2302.05543', title: 'Adding Conditional Control to Text-to-Image Diffusion Models', authors: ['Lvmin Zhang', 'Anyi Rao', 'Maneesh Agrawala'], year: 2023, aka: ['ControlNet'] },
  { id: '2302.13971', title: 'LLaMA: Open and Efficient Foundation Language Models', authors: ['Hugo Touvron', 'Thibaut Lavril', 'Gautier Izacard', 'Xavier Martinet'], etAl: true, year: 2023, aka: ['LLaMA', 'Llama'] },
  { id: '2303.08774', title: 'GPT-4 Technical Report', authors: ['OpenAI'], year: 2023, aka: ['GPT-4'] },
  { id: '2304.02643', title: 'Segment Anything', authors: ['Alexander Kirillov', 'Eric Mintun', 'Nikhila Ravi', 'Hanzi Mao'], etAl: true, year: 2023, aka: ['SAM', 'segmentation'] },
  { id: '2304.07193', title: 'DINOv2: Learning Robust Visual Features without Supervision', authors: ['Maxime Oquab', 'Timothée Darcet', 'Théo Moutakanni'], etAl: true, year: 2023, aka: ['DINOv2'] },
  { id: '2304.08485', title: 'Visual Instruction Tuning', authors: ['Haotian Liu', 'Chunyuan Li', 'Qingyang Wu', 'Yong Jae Lee'], year: 2023, aka: ['LLaVA', 'vision language model'] },
  { id: '2305.13245', title: 'GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints', authors: ['Joshua Ainslie', 'James Lee-Thorp', 'Michiel de Jong', 'Yury Zemlyanskiy', 'Federico Lebrón', 'Sumit Sanghai'], year: 2023, aka: ['grouped-query attention'] },
  { id: '2305.14314', title: 'QLoRA: Efficient Finetuning of Quantized LLMs', authors: ['Tim Dettmers', 'Artidoro Pagnoni', 'Ari Holtzman', 'Luke Zettlemoyer'], year: 2023, aka: ['QLoRA', 'fine-tuning'] },
  { id: '2305.18290', title: 'Direct Preference Optimization: Your Language Model is Secretly a Reward Model', authors: ['Rafael Rafailov', 'Archit Sharma', 'Eric Mitchell', 'Stefano Ermon', 'Christopher D. Manning', 'Chelsea Finn'], year: 2023, aka: ['DPO'] },
  { id: '2306.05685', title: 'Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena', authors: ['Lianmin Zheng', 'Wei-Lin Chiang', 'Ying Sheng', 'Siyuan Zhuang'], etAl: true, year: 2023, aka: ['MT-Bench', 'Chatbot Arena', 'LLM as a judge'] },
  { id: '2307.08691', title: 'FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning', authors: ['Tri Dao'], year: 2023, aka: ['FlashAttention-2'] },
  { id: '2307.09288', title: 'Llama 2: Open Foundation and Fine-Tuned Chat Models', authors: ['Hugo Touvron', 'Louis Martin', 'Kevin Stone', 'Peter Albert'], etAl: true, year: 2023, aka: ['Llama 2'] },
  { id: '2309.06180', title: 'Efficient Memory Management for Large Language Model Serving with PagedAttention', authors: ['Woosuk Kwon', 'Zhuohan Li', 'Siyuan Zhuang', 'Ying Sheng'], etAl: true, year: 2023, aka: ['vLLM', 'PagedAttention'] },
  { id: '2310.06825', title: 'Mistral 7B', authors: ['Albert Q. Jiang', 'Alexandre Sablayrolles', 'Arthur Mensch', 'Chris Bamford'], etAl: true, year: 2023, aka: ['Mistral'] },
  { id: '2310.16944', title: 'Zephyr: Direct Distillation of LM Alignment', authors: ['Lewis Tunstall', 'Edward Beeching', 'Nathan Lambert', 'Nazneen Rajani'], etAl: true, year: 2023, aka: ['Zephyr'] },
  { id: '2312.00752', title: 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces', authors: ['Albert Gu', 'Tri Dao'], year: 2023, aka: ['Mamba', 'state space model'] },
  { id: '2401.04088', title: 'Mixtral of Experts', authors: ['Albert Q. Jiang', 'Alexandre Sablayrolles', 'Antoine Roux', 'Arthur Mensch'], etAl: true, year: 2024, aka: ['Mixtral', 'mixture of experts'] },
  { id: '2402.03300', title: 'DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models', authors: ['Zhihong Shao', 'Peiyi Wang', 'Qihao Zhu', 'Runxin Xu'], etAl: true, year: 2024, aka: ['GRPO', 'DeepSeekMath'] },
  { id: '2403.03206', title: 'Scaling Rectified Flow Transformers for High-Resolution Image Synthesis', authors: ['Patrick Esser', 'Sumith Kulal', 'Andreas Blattmann', 'Rahim Entezari'], etAl: true, year: 2024, aka: ['Stable Diffusion 3', 'rectified flow'] },
  { id: '2406.17557', title: 'The FineWeb Datasets: Decanting the Web for the Finest Text Data at Scale', authors: ['Guilherme Penedo', 'Hynek Kydlíček', 'Loubna Ben allal', 'Anton Lozhkov'], etAl: true, year: 2024, aka: ['FineWeb', 'pretraining data'] },
  { id: '2407.21783', title: 'The Llama 3 Herd of Models', authors: ['Abhimanyu Dubey', 'Abhinav Jauhri', 'Abhinav Pandey', 'Abhishek Kadian'], etAl: true, year: 2024, aka: ['Llama 3'] },
  { id: '2501.12948', title: 'DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning', authors: ['DeepSeek-AI'], year: 2025, aka: ['DeepSeek-R1', 'reasoning'] },
];

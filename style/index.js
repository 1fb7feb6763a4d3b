import './base.css';
import './kernels.css';
import './project.css';
